import Foundation
import Testing
import Varex

/// `varex fit --stream`: the fit read in blocks against NIST's certified values and against the
/// in-memory fit of the same file (itself pinned to NIST and R), and what it refuses.
struct StreamFitTests {
    /// A file of `n` rows: an id (quoted), three numbers written in several spellings, some
    /// missing cells, CRLF line ends; y from a fixed linear model plus noise (a fixed LCG).
    static func data(rows n: Int) -> String {
        var random = LCG(state: 20261124)
        func uniform() -> Double { random.uniform() }
        var lines = ["id,x1,x2,x3,y"]
        for i in 0..<n {
            let x1 = uniform() * 10, x2 = uniform() - 0.5, x3 = Double(Int(uniform() * 100))
            let y = 3 + 0.5 * x1 - 2 * x2 + 0.01 * x3 + (uniform() - 0.5)
            let missing = i % 997 == 5
            lines.append("\"r\(i)\",\(x1),\(missing ? "NA" : String(format: "%.6f", x2)),\(Int(x3)),\(y)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    static func relative(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) / max(abs(b), 1e-300) }

    @Test func blocksGiveTheInMemoryFit() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(Self.data(rows: 60_000), named: "rows.csv", in: dir)
        let formula = "y ~ x1 + x2 + log(x3 + 1) + I(x1 * x2)"
        let s = try CLI.run(["fit", data, "--formula", formula, "--id", "id", "--stream", "--block-mb", "1",
                             "--json", dir + "/s.json", "--residuals", dir + "/s.csv"])
        #expect(s.status == 0, "\(s.stderr)")
        let m = try CLI.run(["fit", data, "--formula", formula, "--id", "id", "--json", dir + "/m.json", "--residuals", dir + "/m.csv"])
        #expect(m.status == 0, "\(m.stderr)")
        let a = try Self.json(dir + "/s.json"), b = try Self.json(dir + "/m.json")
        // Coefficients, SEs and every fit statistic to 1e-10 relative (the issue's bar).
        for key in ["sigma", "r_squared", "adj_r_squared", "f_statistic", "log_likelihood", "aic", "bic"] {
            #expect(Self.relative(a[key] as! Double, b[key] as! Double) <= 1e-10, "\(key)")
        }
        #expect(a["n"] as! Int == b["n"] as! Int && a["n_dropped"] as! Int == 61)
        #expect(s.stdout.contains("Read in 3 blocks") || s.stdout.contains("Read in 4 blocks"), "\(s.stdout)")
        let ca = a["coefficients"] as! [[String: Any]], cb = b["coefficients"] as! [[String: Any]]
        #expect(ca.count == 5 && cb.count == 5)
        for (x, y) in paired(ca, cb) {
            #expect(x["term"] as! String == y["term"] as! String)
            for key in ["estimate", "std_error", "statistic"] {
                #expect(Self.relative(x[key] as! Double, y[key] as! Double) <= 1e-10, "\(x["term"]!) \(key)")
            }
        }
        // The residual table: the same rows, ids, notes and flags; each number to 1e-9 of its
        // column's largest value (Cook's distances of 1e-12 differ in their last digits).
        let ra = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let rb = try String(contentsOfFile: dir + "/m.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(ra.count == 60_001 && rb.count == 60_001 && ra[0] == rb[0])
        let width = rb[0].count
        var scale = [Double](repeating: 0, count: width)
        for row in rb.dropFirst() { for j in 1..<(width - 2) { scale[j] = max(scale[j], abs(Double(row[j]) ?? 0)) } }
        var worst = 0.0
        for (x, y) in paired(ra.dropFirst(), rb.dropFirst()) {
            #expect(x[0] == y[0] && x[width - 1] == y[width - 1] && x[width - 2] == y[width - 2])
            for j in 1..<(width - 2) {
                if y[j].isEmpty { #expect(x[j].isEmpty); continue }
                worst = max(worst, abs(Double(x[j])! - Double(y[j])!) / scale[j])
            }
        }
        #expect(worst <= 1e-9, "largest difference \(worst) of the column's scale")
    }

    @Test func gzipAndStandardInputAreReadInBlocksToo() throws {
        let dir = try CLI.temporaryDirectory()
        let text = Self.data(rows: 5_000)
        let plain = try CLI.write(text, named: "rows.csv", in: dir)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", "-n", plain]
        try gz.run(); gz.waitUntilExit()
        let a = try CLI.run(["fit", plain, "--formula", "y ~ x1 + x2", "--stream", "--format", "json"])
        let b = try CLI.run(["fit", plain + ".gz", "--formula", "y ~ x1 + x2", "--stream", "--format", "json"])
        let c = try CLI.run(["fit", "-", "--formula", "y ~ x1 + x2", "--stream", "--format", "json"], stdin: Data(text.utf8))
        #expect(a.status == 0 && b.status == 0 && c.status == 0, "\(a.stderr)\(b.stderr)\(c.stderr)")
        let body = { (s: String) in s.replacingOccurrences(of: plain + ".gz", with: plain) }
        #expect(body(b.stdout) == a.stdout && c.stdout.contains("\"coefficients\""))
    }

    @Test func aBadCellInALaterBlockIsNamedAsTheWholeFileReaderNamesIt() throws {
        let dir = try CLI.temporaryDirectory()
        var lines = Self.data(rows: 60_000).components(separatedBy: "\r\n")
        lines[50_000] = lines[50_000].replacingOccurrences(of: ",NA,", with: ",1.0.0,")
            .replacingOccurrences(of: #","r49999","#, with: #""r49999","#)
        var cells = lines[50_000].split(separator: ",").map(String.init)
        cells[2] = "twelve"
        lines[50_000] = cells.joined(separator: ",")
        let data = try CLI.write(lines.joined(separator: "\r\n"), named: "bad.csv", in: dir)
        let s = try CLI.run(["fit", data, "--formula", "y ~ x1 + x2", "--stream", "--block-mb", "1"])
        let m = try CLI.run(["fit", data, "--formula", "y ~ x1 + x2"])
        #expect(s.status == 1 && m.status == 1)
        #expect(s.stderr.contains("bad.csv, row 50000 (line 50001), column 'x2'"), "\(s.stderr)")
        #expect(s.stderr.contains("'twelve' is not a number"), "\(s.stderr)")
        // A short row in a later block: the same message either way.
        lines[55_000] = "\"r54999\",1,2"
        let ragged = try CLI.write(lines.joined(separator: "\r\n"), named: "ragged.csv", in: dir)
        lines[50_000] = cells.enumerated().map { $0 == 2 ? "0.5" : $1 }.joined(separator: ",")
        let onlyRagged = try CLI.write(lines.joined(separator: "\r\n"), named: "ragged2.csv", in: dir)
        let s2 = try CLI.run(["fit", onlyRagged, "--formula", "y ~ x1 + x2", "--stream", "--block-mb", "1"])
        let m2 = try CLI.run(["fit", onlyRagged, "--formula", "y ~ x1 + x2"])
        #expect(s2.status == 1 && s2.stderr == m2.stderr, "\(s2.stderr) | \(m2.stderr)")
        _ = ragged
    }

    /// On a terminal, the blocks fitted so far (and then the residual pass) on one stderr line;
    /// through a pipe, nothing.
    @Test func blocksFittedAreShownOnATerminal() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(Self.data(rows: 60_000), named: "rows.csv", in: dir)
        let args = ["fit", data, "--formula", "y ~ x1 + x2", "--stream", "--block-mb", "1", "--residuals", dir + "/r.csv"]
        let command = ([CLI.binary] + args).map { "'" + $0 + "'" }.joined(separator: " ")
        let onTerminal = try CLI.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(onTerminal.status == 0, "\(onTerminal.stderr)")
        #expect(onTerminal.stdout.contains("varex: fitting in blocks: 1 blocks,"), "\(onTerminal.stdout.prefix(400))")
        let piped = try CLI.run(args)
        #expect(piped.status == 0 && !piped.stderr.contains("blocks") && !piped.stderr.contains("\u{1B}"), "\(piped.stderr)")
    }

    /// Categorical terms through the blocks: a text factor with levels first seen in later blocks
    /// and one seen only on rows left out, `factor()` of a number (levels in numeric order), a
    /// reference level named by the user, and an interaction with a number: the same coefficient
    /// names, values and residual table as the in-memory fit (itself pinned to R).
    static func factorData(rows n: Int) -> String {
        var random = LCG(state: 7)
        func uniform() -> Double { random.uniform() }
        var lines = ["id,x1,group,k,flag,y"]
        for i in 0..<n {
            let x1 = uniform() * 10
            // Levels g00–g19 from the start, g20–g24 only in the last third; "a_first" only in the
            // first block and "m_middle" only in a middle one (a pass that skipped a block would
            // miss it); "zz" only where x1 is missing.
            let g = i < 2 * n / 3 ? Int(uniform() * 20) : Int(uniform() * 25)
            let dropped = i % 1009 == 3
            let group = dropped && i % 2 == 1 ? "zz"
                : i < 40 ? "a_first" : i >= 7 * n / 10 && i < 7 * n / 10 + 40 ? "m_middle" : String(format: "g%02d", g)
            let k = [1, 2, 10][Int(uniform() * 3)]
            let flag = uniform() < 0.4 ? "yes" : "no"
            let y = 2 + 0.3 * x1 + Double(g) * 0.1 + (k == 10 ? 1 : 0) + (flag == "yes" ? 0.2 * x1 : 0) + (uniform() - 0.5)
            lines.append("r\(i),\(dropped ? "" : String(x1)),\(group),\(k),\(flag),\(y)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func categoricalTermsInBlocksGiveTheInMemoryFit() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(Self.factorData(rows: 60_000), named: "factors.csv", in: dir)
        let options = ["--formula", "y ~ x1 + group + factor(k) + x1:flag", "--id", "id", "--reference", "group=g05"]
        let s = try CLI.run(["fit", data] + options + ["--stream", "--block-mb", "1", "--json", dir + "/s.json", "--residuals", dir + "/s.csv"])
        #expect(s.status == 0, "\(s.stderr)")
        let m = try CLI.run(["fit", data] + options + ["--json", dir + "/m.json", "--residuals", dir + "/m.csv"])
        #expect(m.status == 0, "\(m.stderr)")
        let a = try Self.json(dir + "/s.json"), b = try Self.json(dir + "/m.json")
        for key in ["sigma", "r_squared", "adj_r_squared", "f_statistic", "log_likelihood"] {
            #expect(Self.relative(a[key] as! Double, b[key] as! Double) <= 1e-10, "\(key)")
        }
        let ca = a["coefficients"] as! [[String: Any]], cb = b["coefficients"] as! [[String: Any]]
        // Intercept, x1, 26 group levels (g05 the reference; no zz), factor(k)2 and 10, x1:flagyes (x1
        // is in the model, so flag is coded by contrast, as R does).
        #expect(ca.count == 31 && cb.count == 31, "\(ca.count) \(cb.count)")
        #expect(ca.contains { $0["term"] as! String == "groupa_first" } && ca.contains { $0["term"] as! String == "groupm_middle" })
        #expect(ca.map { $0["term"] as! String } == cb.map { $0["term"] as! String })
        #expect(cb.contains { $0["term"] as! String == "groupg00" } && !cb.contains { $0["term"] as! String == "groupg05" })
        #expect(cb.map { $0["term"] as! String }.filter { $0.hasPrefix("factor(k)") } == ["factor(k)2", "factor(k)10"])
        for (x, y) in paired(ca, cb) {
            for key in ["estimate", "std_error"] {
                #expect(Self.relative(x[key] as! Double, y[key] as! Double) <= 1e-10, "\(x["term"]!) \(key)")
            }
        }
        let ra = try String(contentsOfFile: dir + "/s.csv", encoding: .utf8).split(separator: "\n")
        let rb = try String(contentsOfFile: dir + "/m.csv", encoding: .utf8).split(separator: "\n")
        #expect(ra.count == 60_001 && ra.count == rb.count && ra[0] == rb[0])
        var worst = 0.0
        for (x, y) in paired(ra.dropFirst(), rb.dropFirst()) {
            let u = x.split(separator: ",", omittingEmptySubsequences: false), v = y.split(separator: ",", omittingEmptySubsequences: false)
            #expect(u[0] == v[0] && u.last == v.last)
            for j in 1..<4 where !v[j].isEmpty { worst = max(worst, abs(Double(u[j])! - Double(v[j])!) / max(abs(Double(v[j])!), 1)) }
        }
        #expect(worst <= 1e-9, "observed, fitted, residual differ by \(worst)")
    }

    /// `--memory` sets the block from the design's width: a small budget reads the 60,000 rows
    /// in many blocks and gives the fit in memory; a budget too small for 1,000 rows of the design
    /// is an error that names the memory it needs, and leaves no output; `--memory` without
    /// `--stream`, with `--block-mb`, or not a size is refused.
    @Test func memorySetsTheBlockFromTheDesign() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(Self.factorData(rows: 60_000), named: "factors.csv", in: dir)
        let options = ["--formula", "y ~ x1 + group + factor(k) + x1:flag", "--id", "id"]
        let s = try CLI.run(["fit", data] + options + ["--stream", "--memory", "100MB", "--json", dir + "/s.json"])
        #expect(s.status == 0, "\(s.stderr)")
        let blocks = s.stdout.split(separator: "\n").first { $0.hasPrefix("Read in ") }.flatMap { Int($0.split(separator: " ")[2]) } ?? 0
        // 4 MB of budget past the process's own 96 MB, 60% of it for a block, rows of about 75
        // bytes and 32 columns (about 1,200 bytes a row): about 2,300 rows a block, so about 26
        // blocks (the 1 MB first block found the width).
        #expect((20...32).contains(blocks), "\(s.stdout)")
        let m = try CLI.run(["fit", data] + options + ["--json", dir + "/m.json"])
        #expect(m.status == 0, "\(m.stderr)")
        let ca = try Self.json(dir + "/s.json")["coefficients"] as! [[String: Any]], cb = try Self.json(dir + "/m.json")["coefficients"] as! [[String: Any]]
        #expect(ca.count == 31 && cb.count == 31)
        for (x, y) in paired(ca, cb) {
            for key in ["estimate", "std_error"] {
                #expect(Self.relative(x[key] as! Double, y[key] as! Double) <= 1e-10, "\(x["term"]!) \(key)")
            }
        }
        let small = try CLI.run(["fit", data] + options + ["--stream", "--memory", "97MB", "--json", dir + "/small.json"])
        #expect(small.status == 1 && small.stderr.contains("a design of 32 columns (with the response) needs about")
                && small.stderr.contains("for blocks of 1000 rows, more than --memory 97 MB: give --memory"), "\(small.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/small.json"))
        for (args, message) in [(["--memory", "1G"], "add --stream"), (["--stream", "--memory", "1G", "--block-mb", "4"], "not both"),
                                (["--stream", "--memory", "lots"], "'lots' is not a size")] {
            let r = try CLI.run(["fit", data] + options + args)
            #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }

    @Test func whatTheStreamingFitDoesNotDoIsRefused() throws {
        let councils = CLI.fixture("councils/asc_2018_19.csv")
        let text = try String(contentsOfFile: councils, encoding: .utf8)
        let c = try CLI.run(["fit", "-", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type", "--stream"],
                            stdin: Data(text.utf8))
        #expect(c.status == 1 && c.stderr.contains("--stream: 'council_type' is categorical: its levels take a pass"), "\(c.stderr)")
        // A GLM reads the data once per IRLS iteration: not from standard input.
        let w = try CLI.run(["fit", "-", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--stream", "--family", "Gamma"],
                            stdin: Data(text.utf8))
        #expect(w.status != 0 && w.stderr.contains("--stream --family reads the data once per IRLS iteration"), "\(w.stderr)")
        // A workbook or a saved model reads the data again: not from standard input.
        let dir = try CLI.temporaryDirectory()
        let again = try CLI.run(["fit", "-", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--stream", "--save-model", dir + "/m.json"],
                                stdin: Data(text.utf8))
        #expect(again.status != 0 && again.stderr.contains("--stream --save-model reads the data again"), "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.json"))
        let d = try CLI.run(["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(2 * imd_score)", "--stream"])
        #expect(d.status == 1 && d.stderr.contains("linear combination of the columns before it"), "\(d.stderr)")
    }

    /// NIST's certified values through the blocks. The fit in blocks is Householder QR in double
    /// without the in-memory fit's extended-precision refinement, so the ill-conditioned sets
    /// keep fewer digits (the floors are what it reaches: LRE, digits of agreement).
    @Test(arguments: [("Norris", 12.0), ("NoInt1", 12.0), ("NoInt2", 12.0), ("Pontius", 9.0), ("Longley", 7.0)])
    func nistCertifiedValuesInBlocks(_ name: String, _ floor: Double) throws {
        let c = try NISTTests.certified(name)
        let dir = try CLI.temporaryDirectory()
        let csv = ([c.header] + c.rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let data = try CLI.write(csv, named: "\(name).csv", in: dir)
        let r = try CLI.run(["fit", data, "--formula", NISTTests.formulas[name]!, "--stream", "--json", dir + "/fit.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try Self.json(dir + "/fit.json")
        let coefs = obj["coefficients"] as! [[String: Any]]
        for (k, row) in coefs.enumerated() {
            let b = row["estimate"] as! Double, se = row["std_error"] as! Double
            #expect(NISTTests.lre(b, c.estimates[k]) >= floor, "\(name) B\(k) LRE \(NISTTests.lre(b, c.estimates[k]))")
            #expect(NISTTests.lre(se, c.standardErrors[k]) >= floor, "\(name) SE\(k) LRE \(NISTTests.lre(se, c.standardErrors[k]))")
        }
        #expect(NISTTests.lre(obj["sigma"] as! Double, c.residualSD) >= floor)
        #expect(NISTTests.lre(obj["r_squared"] as! Double, c.rSquared) >= floor)
    }
}

/// A fixed linear congruential generator for the test files: uniform numbers in [0, 1).
struct LCG {
    var state: UInt64
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
}

/// Sandwich and clustered SEs of a fit read in blocks (refused before), from one more pass over
/// the file: HC0–HC3 against `sandwich::vcovHC` (fixtures/reference/councils_net_coefficients.csv),
/// CR1, CR0 and two-way CR1 against `vcovCL` on the panel (cluster_ols.csv, p-values on G − 1),
/// and over many blocks the same as the fit in memory.
struct StreamSandwichTests {
    static func coefficients(_ r: CLIResult) throws -> [[String: Any]] {
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return j["coefficients"] as! [[String: Any]]
    }

    @Test func heteroskedasticityConsistentAsSandwich() throws {
        let ref = try CSVReader.read(path: CLI.fixture("reference/councils_net_coefficients.csv"))
        for (k, type) in ["HC0", "HC1", "HC2", "HC3"].enumerated() {
            let r = try CLI.run(["fit", CLI.fixture("councils/asc_2018_19.csv"), "--stream", "--se", type, "--json", "-", "--formula",
                                 "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type"])
            #expect(r.status == 0, "\(r.stderr)")
            for (c, w) in paired(try Self.coefficients(r), ref.rows) {
                let se = (c["std_error"] as! NSNumber).doubleValue, want = Double(w[3 + k])!
                #expect(abs(se - want) <= 1e-10 * want, "\(type) \(w[0]): \(se) vs \(want)")
            }
        }
    }

    @Test func clusteredAsVcovCL() throws {
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
        let ref = try CSVReader.read(path: CLI.fixture("reference/cluster_ols.csv"))
        let col = { (name: String) in ref.header.firstIndex(of: name)! }
        let cases: [([String], String, String?)] = [
            (["--cluster", "code"], "se_CR1", "p_CR1"), (["--cluster", "code", "--se", "CR0"], "se_CR0", nil),
            (["--cluster", "code", "--cluster", "financial_year"], "se_CR1_twoway", "p_CR1_twoway"),
        ]
        for (args, seColumn, pColumn) in cases {
            let r = try CLI.run(["fit", panel, "--stream", "--formula", formula, "--json", "-"] + args)
            #expect(r.status == 0, "\(r.stderr)")
            for (c, w) in paired(try Self.coefficients(r), ref.rows) {
                // Where R's two-way variance is negative its SE is NA: null here.
                guard let want = Double(w[col(seColumn)]) else {
                    #expect(c["std_error"] is NSNull && c["p_value"] is NSNull, "\(seColumn) \(w[0]) is NA in R")
                    continue
                }
                let se = (c["std_error"] as! NSNumber).doubleValue
                #expect(abs(se - want) <= 1e-10 * want, "\(seColumn) \(w[0]): \(se) vs \(want)")
                if let pColumn {
                    let p = (c["p_value"] as! NSNumber).doubleValue, pw = Double(w[col(pColumn)])!
                    #expect(abs(p - pw) <= 1e-8 * max(pw, 1e-300), "\(pColumn) \(w[0])")
                }
            }
        }
    }

    /// Case weights in blocks (refused before): each row of [X y] scaled by √w, as `lm(weights =)`.
    /// The coefficients, classical and HC0–HC3 SEs, the summary statistics and every column of
    /// the residual table against R's weighted fit of the councils (councils_wls_*.csv), and the
    /// weighted panel's CR1 and two-way CR1 against `vcovCL` (cluster_wls.csv).
    @Test func caseWeightsAsWeightedLm() throws {
        let data = CLI.fixture("councils/asc_2018_19.csv")
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + council_type"
        let ref = try CSVReader.read(path: CLI.fixture("reference/councils_wls_coefficients.csv"))
        let col = { (name: String) in ref.header.firstIndex(of: name)! }
        for type in ["classical", "HC0", "HC1", "HC2", "HC3"] {
            let r = try CLI.run(["fit", data, "--stream", "--weights", "pop_18p", "--se", type, "--json", "-", "--formula", formula])
            #expect(r.status == 0, "\(r.stderr)")
            for (c, w) in paired(try Self.coefficients(r), ref.rows) {
                let b = (c["estimate"] as! NSNumber).doubleValue, se = (c["std_error"] as! NSNumber).doubleValue
                #expect(abs(b - Double(w[col("estimate")])!) <= 1e-10 * abs(Double(w[col("estimate")])!), "\(w[0])")
                let want = Double(w[col("se_" + type)])!
                #expect(abs(se - want) <= 1e-10 * want, "\(type) \(w[0]): \(se) vs \(want)")
            }
        }
        let dir = try CLI.temporaryDirectory()
        let table = dir + "/rows.csv", json = dir + "/fit.json"
        let r = try CLI.run(["fit", data, "--stream", "--weights", "pop_18p", "--formula", formula, "--id", "code",
                             "--residuals", table, "--json", json])
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let stats = try CSVReader.read(path: CLI.fixture("reference/councils_wls_stats.csv"))
        for row in stats.rows where ["n", "df_residual", "sigma", "r_squared", "adj_r_squared", "f_statistic", "log_likelihood", "aic", "bic"].contains(row[0]) {
            let got = (summary[row[0]] as! NSNumber).doubleValue, want = Double(row[1])!
            #expect(abs(got - want) <= 1e-10 * abs(want), "\(row[0]): \(got) vs \(want)")
        }
        let rows = try CSVReader.read(path: table), want = try CSVReader.read(path: CLI.fixture("reference/councils_wls_residuals.csv"))
        #expect(rows.header.dropFirst().prefix(want.header.count - 1) == want.header.dropFirst())
        for (got, expected) in paired(rows.rows, want.rows) {
            #expect(got[0] == expected[0])
            for j in 1..<(expected.count - 1) {
                let a = Double(got[j])!, b = Double(expected[j])!
                #expect(abs(a - b) <= 1e-8 * max(abs(b), 1e-3), "\(expected[0]) \(want.header[j]): \(a) vs \(b)")
            }
            #expect(got[expected.count - 1] == expected[expected.count - 1], "\(expected[0]) influential")
        }
        let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let clustered = try CSVReader.read(path: CLI.fixture("reference/cluster_wls.csv"))
        let ccol = { (name: String) in clustered.header.firstIndex(of: name)! }
        for (args, seColumn) in [(["--cluster", "code"], "se_CR1"), (["--cluster", "code", "--cluster", "financial_year"], "se_CR1_twoway")] {
            let c = try CLI.run(["fit", panel, "--stream", "--weights", "pop_18p", "--json", "-", "--formula",
                                 "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"] + args)
            #expect(c.status == 0, "\(c.stderr)")
            for (a, w) in paired(try Self.coefficients(c), clustered.rows) {
                guard let want = Double(w[ccol(seColumn)]) else { #expect(a["std_error"] is NSNull); continue }
                let se = (a["std_error"] as! NSNumber).doubleValue
                #expect(abs(se - want) <= 1e-10 * want, "\(seColumn) \(w[0]): \(se) vs \(want)")
            }
        }
    }

    /// Twenty copies of the panel (codes made distinct) read in 1 MB blocks: the meat summed by
    /// block and by cluster across blocks equals the fit in memory's to 1e-9.
    @Test func manyBlocksAsInMemory() throws {
        let dir = try CLI.temporaryDirectory()
        let panel = try CSVReader.read(path: CLI.fixture("councils/asc_panel_2014_2019.csv"))
        let code = panel.header.firstIndex(of: "code")!
        var lines = [panel.header.joined(separator: ",")]
        for k in 0..<20 {
            for row in panel.rows {
                var r = row.map { $0.contains(",") ? "\"\($0)\"" : $0 }
                r[code] += "_\(k)"
                lines.append(r.joined(separator: ","))
            }
        }
        let file = try CLI.write(lines.joined(separator: "\n") + "\n", named: "big.csv", in: dir)
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"
        for args in [["--se", "HC3"], ["--cluster", "code"], ["--cluster", "region", "--cluster", "financial_year"]] {
            let s = try CLI.run(["fit", file, "--stream", "--block-mb", "1", "--formula", formula, "--json", "-"] + args)
            let m = try CLI.run(["fit", file, "--formula", formula, "--json", "-"] + args)
            #expect(s.status == 0 && m.status == 0, "\(s.stderr)\(m.stderr)")
            for (a, b) in paired(try Self.coefficients(s), try Self.coefficients(m)) {
                // Two-way clustering can make a variance negative: null (R's NaN) in both.
                guard let x = (a["std_error"] as? NSNumber)?.doubleValue, let y = (b["std_error"] as? NSNumber)?.doubleValue else {
                    #expect(a["std_error"] is NSNull && b["std_error"] is NSNull, "\(args) \(a["term"]!)")
                    continue
                }
                #expect(abs(x - y) <= 1e-9 * y, "\(args) \(a["term"]!): \(x) vs \(y)")
            }
        }
    }
}

/// `--stream` with `--subset`, `--exclude`, `--label` and `--keep`, against R
/// (fixtures/reference/subset.csv and subset_rows.csv, make_subset_reference.R): the fit of the
/// rows a subset keeps, read in blocks of 4 kB so the selection meets many blocks (a level only
/// outside the subset is dropped, as lm drops it); and the residual table with the kept rows'
/// fitted values and leverage and the left-out rows predicted out of sample (`predict.lm`'s
/// prediction interval), the label and kept column beside every row. Counts first, then 1e-9.
struct StreamSelectionTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")

    @Test func subsetsInManyBlocksAsR() throws {
        let want = try CLI.records(CLI.fixture("reference/subset.csv"))
        let cases = [
            ("lm_and", "imd_score > 20 & council_type != \"County\""),
            ("lm_not_arith", "!(region %in% c(\"London\", \"South East\")) & (pop_85p / pop_65p > 0.2 | imd_score >= 25)"),
        ]
        for (name, subset) in cases {
            let open = { try CSVBlockReader(path: Self.councils, blockBytes: 4096) }
            let formula = try Formula("asc_net_spend_per_adult_gbp ~ imd_score + council_type")
            let fit = try StreamingFit.fit(formula: formula, reader: try open(), reopen: open,
                                           selection: StreamRowSelection(subset: try RowFilter(subset)))
            #expect(fit.blocks >= 8, "\(name): \(fit.blocks) blocks")
            let rows = want.filter { $0["case"] == name }
            #expect(fit.n == Int(rows[0]["nobs"]!), "\(name)")
            let s = try fit.summary(level: 0.95, robust: nil, clusterTestDF: .clusters)
            for (c, w) in paired(s.coefficients, rows) {
                #expect(c.term == w["term"], "\(name)")
                #expect(CLI.close(c.estimate, Double(w["estimate"]!)!, rel: 1e-9) && CLI.close(c.standardError, Double(w["std_error"]!)!, rel: 1e-9),
                        "\(name) \(c.term)")
            }
        }
    }

    @Test func residualTableWithLeftOutRowsAsR() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type", "--stream",
                             "--id", "code", "--label", "name", "--keep", "region", "--subset", "imd_score > 15", "--exclude", "E06000002",
                             "--residuals", dir + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("29 of 152 rows left out of the fit (outside the subset: 28; excluded: 1)"), "\(r.stderr)")
        let t = try CSVReader.read(path: dir + "/r.csv")
        #expect(Array(t.header.prefix(4)) == ["code", "name", "region", "observed"])
        let got = t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }
        let want = try CLI.records(CLI.fixture("reference/subset_rows.csv"))
        #expect(got.count == 152 && want.count == 152)
        let byCode = Dictionary(uniqueKeysWithValues: got.map { ($0["code"]!, $0) })
        var outOfSample = 0
        for w in want {
            guard let g = byCode[w["code"]!] else { Issue.record("\(w["code"]!) missing"); continue }
            #expect(!g["name"]!.isEmpty && !g["region"]!.isEmpty)
            #expect(CLI.close(Double(g["fitted"]!)!, Double(w["fitted"]!)!, rel: 1e-9), "\(w["code"]!) fitted")
            if w["used"] == "TRUE" {
                #expect(CLI.close(Double(g["leverage"]!)!, Double(w["leverage"]!)!, rel: 1e-9), "\(w["code"]!) leverage")
                #expect(g["note"]!.isEmpty)
            } else {
                outOfSample += 1
                #expect(g["leverage"]!.isEmpty && g["note"]!.hasPrefix("out of sample: "), "\(w["code"]!): \(g["note"]!)")
                for key in ["pi_low", "pi_high"] {
                    #expect(CLI.close(Double(g[key]!)!, Double(w[key]!)!, rel: 1e-9), "\(w["code"]!) \(key)")
                }
            }
        }
        #expect(outOfSample == 29)
        #expect(byCode["E06000002"]?["note"] == "out of sample: excluded")
        let unknown = try CLI.run(["fit", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--stream", "--id", "code",
                                   "--exclude", "NOPE"])
        #expect(unknown.status != 0 && unknown.stderr.contains("NOPE"), "\(unknown.stderr)")
    }
}

/// `--stream --dfbetas TERM,...` writes those columns only, equal to R's `dfbetas(lm)`
/// (fixtures/reference/councils_net_residuals.csv): counts first, then 1e-9.
struct StreamDFBetasTests {
    @Test func chosenColumnsAsR() throws {
        let formula = "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type"
        let r = try CLI.run(["fit", CLI.fixture("councils/asc_2018_19.csv"), "--formula", formula, "--stream", "--id", "code",
                             "--dfbetas", "council_type,imd_score", "--residuals", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "r.csv")
        let chosen = t.header.filter { $0.hasPrefix("dfbetas_") }
        #expect(chosen == ["dfbetas_imd_score", "dfbetas_council_typeLondon Borough", "dfbetas_council_typeMetropolitan District",
                           "dfbetas_council_typeUnitary Authority"])
        let ref = try CSVReader.read(path: CLI.fixture("reference/councils_net_residuals.csv"))
        for (row, w) in paired(t.rows, ref.rows) {
            #expect(row[0] == w[0])
            for name in chosen {
                let g = Double(row[t.header.firstIndex(of: name)!])!, x = Double(w[ref.header.firstIndex(of: name)!])!
                #expect(CLI.close(g, x, rel: 1e-9, abs: 1e-12), "\(w[0]) \(name)")
            }
        }
    }
}

/// `--stream --se HC4 | HC4m | HC5`: the leverage-discounted sandwiches in blocks of 4 kB (HC5
/// with its pass for the largest leverage), equal to `sandwich::vcovHC` on the councils, plain
/// and weighted (fixtures/reference/hc45_councils_net.csv and hc45_councils_wls.csv,
/// make_inference_reference.R), and on the panel, where HC5's largest leverage binds
/// (hc45_panel.csv, make_hc45_panel_reference.R): counts first, then 1e-9.
struct StreamLeverageSandwichTests {
    @Test func hc4AndHc5InBlocksAsSandwich() throws {
        let councils = CLI.fixture("councils/asc_2018_19.csv")
        let cases: [(String, String, String?)] = [
            ("councils_net", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type", nil),
            ("councils_wls", "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + council_type", "pop_18p"),
            // HC5's largest-leverage term binds here (make_hc45_panel_reference.R checks it).
            ("panel", "asc_net_spend_per_adult_gbp ~ pop_65p + pop_85p", nil),
        ]
        for (name, text, weights) in cases {
            let ref = try CSVReader.read(path: CLI.fixture("reference/hc45_\(name).csv"))
            let formula = try Formula(text)
            let file = name == "panel" ? CLI.fixture("councils/asc_panel_2014_2019.csv") : councils
            let open = { try CSVBlockReader(path: file, blockBytes: 4096) }
            let fit = try StreamingFit.fit(formula: formula, reader: try open(), reopen: open, weights: weights)
            #expect(fit.blocks >= 8)
            for (type, column) in [(CovarianceType.hc4, "se_HC4"), (.hc4m, "se_HC4m"), (.hc5, "se_HC5")] {
                let v = try fit.covariance(type, open: open).covariance
                let k = ref.header.firstIndex(of: column)!
                for (j, w) in paired(0..<fit.p, ref.rows) {
                    #expect(fit.columnNames[j] == w[0])
                    #expect(CLI.close(v[j, j].squareRoot(), Double(w[k])!, rel: 1e-9), "\(name) \(column) \(w[0])")
                }
            }
        }
        let cli = try CLI.run(["fit", councils, "--formula", cases[0].1, "--stream", "--se", "HC5", "--json", "-"])
        #expect(cli.status == 0, "\(cli.stderr)")
    }
}

/// `--stream --join`: a council-level file joined onto every block by the id, equal to `lm` on
/// the merged data (fixtures/reference/subset.csv, case lm_join, make_subset_reference.R), read
/// in blocks of 4 kB; the join's report covers the whole file, and a join without --id is refused.
struct StreamJoinTests {
    @Test func joinedInBlocksAsR() throws {
        let councils = CLI.fixture("councils/asc_2018_19.csv"), rural = CLI.fixture("councils/rurality_2011.csv")
        let open = { try CSVBlockReader(path: councils, blockBytes: 4096).joining([BlockJoin(table: try Table(contentsOf: rural), key: "code")]) }
        let fit = try StreamingFit.fit(formula: try Formula("asc_net_spend_per_adult_gbp ~ imd_score + pct_rural_2011 + council_type"),
                                       reader: try open(), reopen: open)
        #expect(fit.blocks >= 8)
        let want = try CLI.records(CLI.fixture("reference/subset.csv")).filter { $0["case"] == "lm_join" }
        #expect(fit.n == Int(want[0]["nobs"]!))
        let s = try fit.summary(level: 0.95)
        for (c, w) in paired(s.coefficients, want) {
            #expect(c.term == w["term"])
            #expect(CLI.close(c.estimate, Double(w["estimate"]!)!, rel: 1e-9) && CLI.close(c.standardError, Double(w["std_error"]!)!, rel: 1e-9),
                    "\(c.term)")
        }
        let r = try CLI.run(["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + pct_rural_2011", "--stream", "--id", "code",
                             "--join", rural, "--residuals", "-", "--keep", "pct_rural_2011"])
        #expect(r.status == 0, "\(r.stderr)")
        let m = try CLI.run(["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + pct_rural_2011", "--id", "code",
                             "--join", rural, "--residuals", "-", "--keep", "pct_rural_2011"])
        let streamed = r.stderr.split(separator: "\n").filter { $0.contains("join") }, inMemory = m.stderr.split(separator: "\n").filter { $0.contains("join") }
        #expect(!streamed.isEmpty && streamed == inMemory, "the join's report: \(r.stderr) | \(m.stderr)")
        let noID = try CLI.run(["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--stream", "--join", rural])
        #expect(noID.status != 0 && noID.stderr.contains("--join needs --id"), "\(noID.stderr)")
    }
}

/// `--stream --absorb` against R's lm with the factors' dummies (fixtures/reference/
/// absorb_<case>_coefficients.csv from make_absorb_reference.R): a council's 152 levels, with
/// weights, and two factors; classical, HC1, HC3 and CR1 by council SEs, to 1e-8. The dummies
/// are coded from the first pass's levels and hidden as the in-memory absorbed fit hides them.
/// And a file in 4 kB blocks (many blocks, a level first met late) gives R's coefficients too.
/// Refused before ("not in this version").
struct StreamAbsorbTests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")

    @Test func absorbedFactorsAgainstLmWithDummies() throws {
        let cases: [(String, String, [String])] = [
            ("oneway", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + financial_year", ["--absorb", "code"]),
            ("oneway_wls", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + financial_year", ["--absorb", "code", "--weights", "pop_18p"]),
            ("twoway", "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p)",
             ["--absorb", "code", "--absorb", "financial_year"]),
        ]
        for (name, formula, args) in cases {
            let ref = try CSVReader.read(path: CLI.fixture("reference/absorb_\(name)_coefficients.csv")).rows
            for (se, column) in [("classical", 2), ("HC1", 3), ("HC3", 4), ("CR1", 5)] {
                let r = try CLI.run(["fit", Self.panel, "--formula", formula, "--stream", "--se", se, "--json", "-"] + args
                                    + (se == "CR1" ? ["--cluster", "code"] : []))
                #expect(r.status == 0, "\(name) \(se): \(r.stderr)")
                guard r.status == 0 else { continue }
                let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
                #expect(j["kind"] as? String == "streamed" && j["formula"] as? String == formula)
                let absorbed = try #require(j["absorbed"] as? [[String: Any]], "\(name)")
                #expect(absorbed.first?["factor"] as? String == "code" && (absorbed.first?["levels"] as? Int) == 152)
                let coefficients = try #require(j["coefficients"] as? [[String: Any]])
                for (row, c) in paired(ref, coefficients) {
                    #expect(c["term"] as? String == row[0], "\(name)")
                    let b = (c["estimate"] as! NSNumber).doubleValue, s = (c["std_error"] as! NSNumber).doubleValue
                    #expect(abs(b - Double(row[1])!) <= 1e-8 * abs(Double(row[1])!), "\(name) \(row[0]) estimate")
                    #expect(abs(s - Double(row[column])!) <= 1e-8 * Double(row[column])!, "\(name) \(se) \(row[0]): \(s) vs \(row[column])")
                }
            }
        }
        // Many blocks: the same model as the fit with the dummies, read 4 kB at a time.
        let open = { try CSVBlockReader(path: Self.panel, blockBytes: 4096) }
        let fit = try StreamingFit.fit(formula: try Formula("asc_net_spend_per_adult_gbp ~ factor(code) + I(100 * pop_65p/pop_18p) + financial_year"),
                                       reader: try open(), reopen: open)
        #expect(fit.blocks >= 30, "\(fit.blocks) blocks")
        let s = try fit.summary(level: 0.95).absorbing([("code", 152)], formula: "", isDummy: { $0.hasPrefix("factor(code)") })
        let ref = try CSVReader.read(path: CLI.fixture("reference/absorb_oneway_coefficients.csv")).rows
        for (row, c) in paired(ref, s.coefficients) {
            #expect(c.term == row[0])
            #expect(abs(c.estimate - Double(row[1])!) <= 1e-8 * abs(Double(row[1])!), "\(row[0])")
            #expect(abs(c.standardError - Double(row[2])!) <= 1e-8 * Double(row[2])!, "\(row[0]) se")
        }
    }
}

/// `--stream --se CR2` against clubSandwich (fixtures/reference/cluster_ols.csv, cluster_wls.csv:
/// `vcovCR(type = "CR2")` and `coef_test`'s Satterthwaite df and p-values, by council), OLS and
/// WLS, through the command and in 4 kB blocks (each council's rows spread over blocks), to 1e-9.
/// The CR2 pass keeps per-cluster sums, not rows. Refused before ("not in this version").
struct StreamCR2Tests {
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year"

    @Test(arguments: [("ols", nil), ("wls", "pop_18p")] as [(String, String?)])
    func cr2AgainstClubSandwich(_ name: String, _ weights: String?) throws {
        let ref = try CSVReader.read(path: CLI.fixture("reference/cluster_\(name).csv"))
        let col = { (n: String) in ref.header.firstIndex(of: n)! }
        #expect(ref.rows.count == 10)
        let r = try CLI.run(["fit", Self.panel, "--formula", Self.formula, "--stream", "--se", "CR2", "--cluster", "code", "--json", "-"]
                            + (weights.map { ["--weights", $0] } ?? []))
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let coefficients = try #require(j["coefficients"] as? [[String: Any]])
        for (row, c) in paired(ref.rows, coefficients) {
            #expect(c["term"] as? String == row[0])
            for (key, column) in [("std_error", "se_CR2"), ("df", "df_CR2"), ("p_value", "p_CR2")] {
                let mine = try #require((c[key] as? NSNumber)?.doubleValue), theirs = Double(row[col(column)])!
                #expect(abs(mine - theirs) <= 1e-9 * abs(theirs), "\(name) \(row[0]) \(key): \(mine) vs \(theirs)")
            }
        }
        // In 4 kB blocks.
        let open = { try CSVBlockReader(path: Self.panel, blockBytes: 4096) }
        let fit = try StreamingFit.fit(formula: try Formula(Self.formula), reader: try open(), reopen: open, clusters: ["code"], weights: weights)
        #expect(fit.blocks >= 30)
        let cr2 = try fit.cr2(open: open)
        #expect(cr2.clusterCount == 152)
        for (k, row) in ref.rows.enumerated() {
            let se = cr2.covariance[k, k].squareRoot(), want = Double(row[col("se_CR2")])!
            #expect(abs(se - want) <= 1e-9 * want, "\(name) \(row[0]) blocks SE")
            #expect(abs(cr2.degreesOfFreedom[k] - Double(row[col("df_CR2")])!) <= 1e-9 * Double(row[col("df_CR2")])!, "\(name) \(row[0]) blocks df")
        }
    }
}
