import Foundation
import Testing
import Varex
import VarexAnalysis

/// Hostile and odd input through the binary: bounded work, checked comparison inputs, round
/// trips of what Varex writes, and messages that stay one readable line.
struct HostileInputTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let explainArgs = ["--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                              "--justified", "need=imd_score,council_type"]

    // MARK: bounded work

    @Test func hugeReplicateCountsAreRefusedAtOnce() throws {
        let rank = try CLI.run(["rank", Self.councils] + Self.explainArgs + ["--bootstrap", "100000000", "--out", "/dev/null"])
        #expect(rank.status == 1)
        #expect(rank.stderr.contains("100000000 bootstrap replicates: ask for 2 to 1000000"))
        let index = try CLI.run(["index", Self.councils, "--id", "code", "--measure", "ascof_1a:+", "--measure", "ascof_3a:+",
                                 "--sensitivity", "100000000", "--out", "/dev/null"])
        #expect(index.status == 1 && index.stderr.contains("at most 1000000"))
    }

    /// Peak memory (KB) of one run, as the kernel counts it for a child of a small Python wrapper.
    static func peakKilobytes(_ args: [String]) throws -> Int {
        let script = "import resource,subprocess,sys; r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL); "
            + "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        let r = try CLI.run(["-c", script, CLI.binary] + args, executable: "/usr/bin/python3")
        let parts = r.stdout.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        #expect(parts[0] == 0, "\(args) failed: \(r.stderr)")
        return parts[1]
    }

    /// Memory does not grow with the number of replicates: 40,000 bootstrap replicates (whose
    /// ranks alone would take 24 MB if kept) and 20,000 index draws peak within 6 MB of 500.
    @Test func memoryDoesNotGrowWithReplicates() throws {
        let few = try Self.peakKilobytes(["rank", Self.councils] + Self.explainArgs + ["--bootstrap", "500", "--out", "/dev/null"])
        let many = try Self.peakKilobytes(["rank", Self.councils] + Self.explainArgs + ["--bootstrap", "40000", "--out", "/dev/null"])
        #expect(many - few < 6 * 1024, "rank: \(few) KB at 500 replicates, \(many) KB at 40,000")
        let index = ["index", Self.councils, "--id", "code", "--measure", "ascof_1a:+", "--measure", "ascof_3a:+", "--out", "/dev/null", "--sensitivity"]
        let fewDraws = try Self.peakKilobytes(index + ["500"]), manyDraws = try Self.peakKilobytes(index + ["20000"])
        #expect(manyDraws - fewDraws < 6 * 1024, "index: \(fewDraws) KB at 500 draws, \(manyDraws) KB at 20,000")
    }

    static func wideData() throws -> String {
        let dir = try CLI.temporaryDirectory()
        var rng = SystemRandomNumberGenerator()
        var csv = "y," + (1...25).map { "c\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<40 { csv += (0...25).map { _ in String(Double.random(in: 0...1, using: &rng)) }.joined(separator: ",") + "\n" }
        return try CLI.write(csv, named: "wide.csv", in: dir)
    }

    @Test func formulaExpansionIsBoundedWithAStatedLimit() throws {
        let data = try Self.wideData()
        let all = (1...25).map { "c\($0)" }.joined(separator: " + ")
        let r = try CLI.run(["fit", data, "--formula", "y ~ (\(all))^25"])
        #expect(r.status == 1 && r.stderr.contains("expands to more than 20000 terms"), "\(r.stderr)")
        let power = try CLI.run(["fit", data, "--formula", "y ~ (c1 + c2)^1000000000000"])
        #expect(power.status == 0 && power.stdout.contains("c1:c2"))
        let deep = try CLI.run(["fit", data, "--formula", "y ~ " + String(repeating: "log(", count: 5000) + "c1" + String(repeating: ")", count: 5000)])
        #expect(deep.status == 1 && deep.stderr.contains("nested more than 100 deep"))
        #expect(deep.stderr.count < 400, "the message quotes the whole formula")
    }

    // MARK: comparisons

    @Test func funnelChecksTheIndicatorFitsItsKind() throws {
        // A rate per 100,000 taken for a percentage (the default kind with a denominator).
        let rate = try CLI.run(["funnel", Self.councils, "--id", "code", "--indicator", "ascof_2a2", "--denominator", "ascof_2a2_den"])
        #expect(rate.status == 1)
        #expect(rate.stderr.contains("column 'ascof_2a2' (E06000001): 723.9 is not a proportion of 100 (0–100)"), "\(rate.stderr)")
        let dir = try CLI.temporaryDirectory()
        for bad in ["150", "-10"] {
            let csv = "code,pct,n\nA,40,100\nB,\(bad),120\nC,55,90\nD,60,80\n"
            let data = try CLI.write(csv, named: "p\(bad).csv", in: dir)
            let r = try CLI.run(["funnel", data, "--id", "code", "--indicator", "pct", "--denominator", "n", "--out", dir + "/f.csv"])
            #expect(r.status == 1 && r.stderr.contains("row 2 (line 3), column 'pct' (B): \(bad) is not a proportion of 100"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/f.csv"))
        }
        let negativeRate = try CLI.write("code,r,n\nA,4,100\nB,-1,120\nC,5,90\n", named: "r.csv", in: dir)
        let nr = try CLI.run(["funnel", negativeRate, "--indicator", "r", "--denominator", "n", "--kind", "rate"])
        #expect(nr.status == 1 && nr.stderr.contains("-1 is not a rate per 100000 (at least 0)"))
        for (flag, value) in [("--scale", "0"), ("--per", "0"), ("--target", "inf")] {
            let r = try CLI.run(["funnel", Self.councils, "--indicator", "ascof_2a2", "--denominator", "ascof_2a2_den", "--kind",
                                 flag == "--scale" ? "proportion" : "rate", "\(flag)=\(value)"])
            #expect(r.status == 1, "\(flag) \(value)")
        }
        let target = try CLI.run(["funnel", Self.councils, "--indicator", "ascof_3a", "--denominator", "ascof_3a_base", "--target", "120"])
        #expect(target.status == 1 && target.stderr.contains("the target 120 is not inside the range of a proportion of 100"))
    }

    /// Limits from margins of error stay within 0–100 when the kind is given: the
    /// limits are target ± z·s cut to that range (checked against the formula written out here).
    @Test func limitsRespectTheRangeOfAProportion() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("code,pct,moe\nA,97,60\nB,95,45\nC,3,70\nD,50,2\nE,60,3\nF,40,2\n", named: "p.csv", in: dir)
        let r = try CLI.run(["funnel", data, "--id", "code", "--indicator", "pct", "--moe", "moe", "--kind", "proportion", "--overdispersion", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let table = try CSVReader.parse(Array(r.stdout.utf8), file: "out")
        let col = { (n: String) in table.header.firstIndex(of: n)! }
        var sawClip = false
        for row in table.rows {
            let target = Double(row[col("target")])!, se = Double(row[col("se")])!
            for (low, high, z) in [("low_95", "high_95", 1.959963984540054), ("low_99.8", "high_99.8", 3.090232306167813)] {
                let lo = Double(row[col(low)])!, hi = Double(row[col(high)])!
                #expect(lo >= 0 && hi <= 100, "\(row)")
                #expect(abs(lo - max(0, target - z * se)) < 1e-9 && abs(hi - min(100, target + z * se)) < 1e-9, "\(row)")
                if target + z * se > 100 || target - z * se < 0 { sawClip = true }
            }
        }
        #expect(sawClip, "the data should reach past 0–100 somewhere")
    }

    @Test func reportRefusesAFunnelOfTheWrongKind() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", Self.councils] + Self.explainArgs + ["--bootstrap", "20", "--funnel-indicator", "ascof_2a2",
                             "--funnel-denominator", "ascof_2a2_den", "--html", dir + "/r.html"])
        #expect(r.status == 1 && r.stderr.contains("is not a proportion of 100"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.html"))
    }

    @Test func indexCanRequireAMinimumNumberOfMeasures() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("code,a,b,c\nA,1,2,3\nB,2,NA,NA\nC,3,1,2\nD,4,4,1\nE,2,3,NA\n", named: "m.csv", in: dir)
        let r = try CLI.run(["index", data, "--id", "code", "--measure", "a:+", "--measure", "b:+", "--measure", "c:-", "--min-measures", "2",
                             "--sensitivity", "50"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "out")
        let col = { (n: String) in t.header.firstIndex(of: n)! }
        let b = t.rows[1], e = t.rows[4]
        #expect(b[col("outcome_index")].isEmpty && b[col("rank")].isEmpty)
        #expect(b[col("note")] == "no index: 1 of 3 measures, fewer than the 2 required (missing b, c)")
        #expect(!e[col("outcome_index")].isEmpty && e[col("note")].hasPrefix("re-weighted over 2 of 3"))
        // Ranks among the four indexed rows only.
        #expect(Set(t.rows.map { $0[col("rank")] }.filter { !$0.isEmpty }) == ["1", "2", "3", "4"])
        let none = try CLI.run(["index", data, "--measure", "a:+", "--min-measures", "2"])
        #expect(none.status == 1 && none.stderr.contains("at least 2 measures required, but there is 1"))
    }

    // MARK: round trips

    /// Ids a spreadsheet would run as formulas are written with the apostrophe and read back
    /// without it, so a join on Varex's own output keeps every row; numeric ids are never prefixed.
    @Test func idsRoundTripThroughIndexAndExplain() throws {
        let dir = try CLI.temporaryDirectory()
        let csv = "code,name,y,x,m1,m2\n=1+1,\"\tTab\",1,2,3,4\n+44,B,2,3,4,3\n-5,C,3,5,2,2\n-1,D,5,4,5,1\n@x,E,4,6,1,2\n"
        let data = try CLI.write(csv, named: "ids.csv", in: dir)
        let index = try CLI.run(["index", data, "--id", "code", "--measure", "m1:+", "--measure", "m2:+", "--out", dir + "/idx.csv"])
        #expect(index.status == 0)
        let written = try String(contentsOfFile: dir + "/idx.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",")[0] }
        #expect(Array(written.dropFirst()) == ["'=1+1", "+44", "-5", "-1", "'@x"])
        let explain = try CLI.run(["explain", data, "--id", "code", "--label", "name", "--join", dir + "/idx.csv", "--formula",
                                   "y ~ x + outcome_index", "--justified", "need=x,outcome_index", "--out", dir + "/e.csv"])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(!explain.stderr.contains("only"), "a join dropped ids: \(explain.stderr)")
        let rows = try CSVReader.read(path: dir + "/e.csv").rows
        #expect(rows.map { SpreadsheetText.unprotect($0[0]) } == ["=1+1", "+44", "-5", "-1", "@x"])
        #expect(rows.allSatisfy { !$0[2].isEmpty }, "every row has its observed value, so every row joined")
        // The leading tab of a label survives (protected, as text a spreadsheet would otherwise alter).
        #expect(rows[0][1] == "'\tTab")
    }

    // MARK: messages and names

    @Test func messagesStayOneReadableLine() throws {
        let dir = try CLI.temporaryDirectory()
        let nul = try CLI.write(Array("y,x\n1,2\n2,ab".utf8) + [0] + Array("cd\n3,4\n4,1\n".utf8), named: "nul.csv", in: dir)
        let r = try CLI.run(["fit", nul, "--formula", "y ~ x"])
        #expect(r.status == 1 && r.stderr.contains("'ab\\0cd' is not a number"), "\(r.stderr)")
        let big = try CLI.write("y,x\n1,2\n2," + String(repeating: "z", count: 1_000_000) + "\n3,4\n4,1\n", named: "big.csv", in: dir)
        let b = try CLI.run(["fit", big, "--formula", "y ~ x"])
        #expect(b.status == 1 && b.stderr.contains("… (1000000 characters)") && b.stderr.count < 400)
    }

    @Test func aColumnNamedLikeATermGetsRsBackticks() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("y,(Intercept),x\n1,2,3\n2,3,1\n3,5,2\n4,4,4\n5,6,3\n", named: "ic.csv", in: dir)
        let r = try CLI.run(["fit", data, "--formula", "y ~ `(Intercept)` + x", "--residuals", "-"])
        #expect(r.status == 0)
        let header = r.stdout.split(separator: "\n")[0].split(separator: ",").map(String.init)
        #expect(header.contains("dfbetas_(Intercept)") && header.contains("dfbetas_`(Intercept)`"))
        #expect(Set(header).count == header.count, "duplicate columns: \(header)")
    }

    @Test func seventeenGroupsGetAReadableMessage() throws {
        let data = try Self.wideData()
        let terms = (1...17).map { "c\($0)" }
        let r = try CLI.run(["explain", data, "--formula", "y ~ " + terms.joined(separator: " + ")] + terms.flatMap { ["--justified", "g\($0)=\($0)"] })
        #expect(r.status == 1)
        #expect(r.stderr.contains("17 groups of terms: at most 16"), "\(r.stderr)")
        #expect(!r.stderr.contains("write it as NAME=term1,term2"))
    }

    @Test func aLabelTooLongForExcelIsRefused() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("code,name,y,x\nA," + String(repeating: "n", count: 40_000) + ",1,2\nB,b,2,3\nC,c,3,5\nD,d,5,4\n",
                                 named: "long.csv", in: dir)
        let r = try CLI.run(["explain", data, "--id", "code", "--label", "name", "--formula", "y ~ x", "--justified", "need=x",
                             "--xlsx", dir + "/out.xlsx"])
        #expect(r.status == 1 && r.stderr.contains("row 2, column 'name': the text has 40000 characters"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.xlsx"))
    }
}

/// Exit status 2 is a numerical failure: the data are read and the formula is valid, but the
/// numbers cannot be fitted. Both cases name the term and say what to do; neither crashes.
struct NumericalFailureTests {
    static let data = "y,x\n1,1\n2,2\n3,3.5\n4,3\n"

    @Test(arguments: [
        ("y ~ exp(x*1000)", "numerical failure: 'exp(x * 1000)' is not finite at data row 1"),
        ("y ~ I(x * 1e-320)", "numerical failure: 'I(x * 1e-320)' has values too close to zero"),
        ("y ~ I(1e-310 * x) + x", "has values too close to zero"),
    ])
    func overflowAndSubnormalColumnsExitTwo(_ formula: String, _ message: String) throws {
        let dir = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.data, named: "d.csv", in: dir)
        let r = try CLI.run(["fit", path, "--formula", formula, "--residuals", dir + "/r.csv"])
        #expect(r.status == 2, "\(formula): exit \(r.status), \(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.csv"))
    }

    /// Columns near the largest double fit (scaled exactly, without overflow).
    @Test func hugeColumnsFit() throws {
        let dir = try CLI.temporaryDirectory()
        let path = try CLI.write(Self.data, named: "d.csv", in: dir)
        let r = try CLI.run(["fit", path, "--formula", "y ~ I(x * 1e307)", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let slope = ((obj["coefficients"] as! [[String: Any]])[1]["estimate"] as! NSNumber).doubleValue
        // y on x by hand: x̄ = 2.375, ȳ = 2.5, Sxy = 3.75, Sxx = 3.6875, so the slope on x·1e307 is (3.75/3.6875)·1e-307.
        #expect(abs(slope / 1e-307 - 3.75 / 3.6875) < 1e-12, "\(slope)")
    }
}

/// Refinement that stops while its corrections are still large is said, not accepted silently:
/// Filip's polynomial taken to degree 16 with the aliasing tolerance turned off (κ beyond 1/ε of
/// the double-precision factor) is beyond what refinement can resolve; degree 10 (the certified
/// problem) is not. (Degree 12, the case here before refinement had its compensated phase, now
/// converges: the same doubles under every OpenBLAS kernel.)
struct StalledRefinementTests {
    static func filip() throws -> String {
        let lines = try String(contentsOfFile: CLI.fixture("nist/Filip.dat"), encoding: .utf8).split(separator: "\n")
        let start = lines.lastIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Data:") }!
        let rows = lines[(start + 1)...].map { $0.split(separator: " ") }.filter { $0.count == 2 }.map { "\($0[0]),\($0[1])" }
        return try CLI.write("y,x\n" + rows.joined(separator: "\n") + "\n", named: "filip.csv", in: try CLI.temporaryDirectory())
    }

    @Test func aStalledRefinementIsReported() throws {
        let data = try Self.filip()
        let powers = (2...16).map { "I(x^\($0))" }.joined(separator: " + ")
        let r = try CLI.run(["fit", data, "--formula", "y ~ x + \(powers)", "--tol", "1e-18", "--json", "-"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("varex: warning: iterative refinement stalled"), "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((obj["warnings"] as? [String])?.contains { $0.hasPrefix("iterative refinement stalled") } == true)
        let certified = try CLI.run(["fit", data, "--formula", "y ~ x + " + (2...10).map { "I(x^\($0))" }.joined(separator: " + ")])
        #expect(certified.status == 0 && !certified.stderr.contains("stalled"), "\(certified.stderr)")
    }
}

/// An option a subcommand does not know is named as such, by every subcommand, whatever else is
/// wrong or missing on the line (argument-parser checks a command's own rules and missing values
/// first, so `anova --bogus x data.csv --formula …` was told to give exactly one CSV).
struct UnknownOptionTests {
    static let data = CLI.fixture("councils/asc_2018_19.csv")
    static let lines: [[String]] = [
        ["fit", data, "--formula", "a ~ b"],
        ["predict", "model.json", data],
        ["anova", "--bogus", "x", data, "--formula", "a ~ b"],
        ["explain", data, "--formula", "a ~ b"],
        ["index", data],
        ["rank", data],
        ["funnel", data],
        ["shrink", data],
        ["peers", data],
        ["report", data],
        ["init", data],
        ["snapshot", "spec.yaml"],
        ["verify", "spec.yaml"],
        ["demo"],
    ]

    @Test(arguments: lines)
    func anUnknownOptionIsNamed(_ line: [String]) throws {
        let arguments = line.contains("--bogus") ? line : line + ["--bogus", "x"]
        let r = try CLI.run(arguments)
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("varex: error: Unknown option '--bogus'") && r.stderr.contains("'varex \(line[0]) --help'"), "\(r.stderr)")
    }

    /// What only looks like an option is not one: standard input, a value joined by `=`.
    @Test func valuesThatStartWithADashAreNotOptions() throws {
        let r = try CLI.run(["fit", "-", "--formula", "y ~ x", "--exclude=2"], stdin: Data("y,x\n1,2\n2,3\n4,4\n3,6\n".utf8))
        #expect(r.status == 0, "\(r.stderr)")
    }
}

/// Inputs that gave an unclear answer now give a clear refusal: one cluster (R's vcovCL refuses;
/// Varex printed infinite SEs and exit 0), an absorbed factor with one row per level (it was
/// called a constant response), a NaN or negative verify tolerance (accepted, then every
/// number "differed").
struct UnclearInputTests {
    @Test func refusedWithTheirReason() throws {
        let dir = try CLI.temporaryDirectory()
        let one = try CLI.write("y,x,g,id\n1,2,a,1\n2,3,a,2\n4,4,a,3\n3,6,a,4\n5,7,a,5\n", named: "one.csv", in: dir)
        let spec = CLI.fixture("specs/council-explain.yaml"), fixture = CLI.fixture("snapshots/council-explain")
        let cases: [([String], String)] = [
            (["fit", one, "--formula", "y ~ x", "--cluster", "g"], "--cluster g: all 5 rows used are in one cluster"),
            (["fit", one, "--formula", "y ~ x", "--cluster", "g", "--se", "CR2"], "--cluster g: all 5 rows used are in one cluster"),
            (["fit", one, "--formula", "y ~ x", "--absorb", "id"], "--absorb id: each of its levels has one row (5 rows)"),
            (["verify", spec, "--fixture", fixture, "--rtol", "nan"], "--rtol nan: a tolerance must be a finite number, 0 or more"),
            (["verify", spec, "--fixture", fixture, "--atol=-1"], "--atol -1.0: a tolerance must be a finite number, 0 or more"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(arguments)
            #expect(r.status == 1 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty, "\(arguments)")
        }
    }
}

/// A hand-edited model file is checked on reading, each bad value named by its key; `predict`
/// refuses an output that is its input before it reports anything; a null spec value is named
/// with its key and line; `poly(x, 2)` is nested in `poly(x, 3)` (its columns are the first two).
struct ModelFileAndUsageTests {
    static let mtcars = CLI.fixture("reference/mtcars.csv")

    @Test func editedModelFilesNameTheKey() throws {
        let dir = try CLI.temporaryDirectory()
        let model = dir + "/m.json"
        let fit = try CLI.run(["fit", Self.mtcars, "--formula", "mpg ~ wt", "--save-model", model])
        #expect(fit.status == 0, "\(fit.stderr)")
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as! [String: Any]
        let edits: [(String, (inout [String: Any]) -> Void, String)] = [
            ("df 2.5", { $0["df_residual"] = 2.5 }, "key 'df_residual': a whole number is needed; found 2.5"),
            ("df -3", { $0["df_residual"] = -3 }, "key 'df_residual': -3 is not between 0"),
            ("sigma < 0", { $0["sigma"] = -1.0 }, "key 'sigma': σ is a finite number, 0 or more"),
            ("sigma with df 0", { $0["df_residual"] = 0 }, "key 'sigma': σ"),
            ("negative variance", { m in var c = m["covariance"] as! [[Double]]; c[1][1] = -0.5; m["covariance"] = c },
             "key 'covariance': the variance of 'wt' is -0.5"),
            ("not symmetric", { m in var c = m["covariance"] as! [[Double]]; c[0][1] = 5; m["covariance"] = c },
             "key 'covariance': not symmetric"),
        ]
        for (name, change, message) in edits {
            var m = original
            change(&m)
            let path = dir + "/edited.json"
            try JSONSerialization.data(withJSONObject: m).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run(["predict", path, Self.mtcars, "--out", dir + "/p.csv"])
            #expect(r.status == 1 && r.stderr.contains(message), "\(name): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/p.csv"))
        }
        // The untouched file predicts.
        let good = try CLI.run(["predict", model, Self.mtcars, "--out", dir + "/p.csv"])
        #expect(good.status == 0 && FileManager.default.fileExists(atPath: dir + "/p.csv"))
        // Its output onto its own input: refused before anything is said to have been predicted.
        let data = dir + "/mt.csv"
        try FileManager.default.copyItem(atPath: Self.mtcars, toPath: data)
        let onto = try CLI.run(["predict", model, data, "--out", data])
        #expect(onto.status == 1 && onto.stderr == "varex: error: \(data): refusing to write over an input of this run; choose another output path\n",
                "\(onto.stderr)")
    }

    @Test func nullSpecValuesAndPolyNesting() throws {
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("data: \(Self.mtcars)\nformula: mpg ~ wt\ncluster: ~\n", named: "s.yaml", in: dir)
        let r = try CLI.run(["fit", "--spec", spec])
        #expect(r.status == 1 && r.stderr.contains("s.yaml, line 3: 'cluster' must be a text value, not nothing (null)"), "\(r.stderr)")
        let nested = try CLI.run(["anova", Self.mtcars, "--formula", "mpg ~ poly(wt, 2)", "--formula", "mpg ~ poly(wt, 3)"])
        #expect(nested.status == 0 && !nested.stderr.contains("not nested"), "\(nested.stderr)")
        let raw = try CLI.run(["anova", Self.mtcars, "--formula", "mpg ~ poly(wt, degree = 2, raw = TRUE) + hp",
                               "--formula", "mpg ~ poly(wt, degree = 3, raw = TRUE) + hp"])
        #expect(raw.status == 0 && !raw.stderr.contains("not nested"), "\(raw.stderr)")
        let other = try CLI.run(["anova", Self.mtcars, "--formula", "mpg ~ poly(wt, 2)", "--formula", "mpg ~ poly(hp, 3)"])
        #expect(other.status == 0 && other.stderr.contains("models 1 and 2 are not nested"), "\(other.stderr)")
    }
}

/// A value finite in extended precision but beyond a double (`1e400`, `x^2` of `1e200`) is named
/// by its row, in memory and read in blocks (`--stream` gave every coefficient NA and exit 0).
struct BeyondDoubleTests {
    @Test func overflowingCellsAreNamed() throws {
        let dir = try CLI.temporaryDirectory()
        var text = "y,x\n"
        for i in 0..<60_000 { text += "\(Double(i % 13) + Double(i % 7) / 10),\(Double(i % 11) / 4)\n" }
        let response = try CLI.write(text + "1e400,0.5\n1,2\n", named: "y.csv", in: dir)
        let term = try CLI.write(text + "1.5,1e200\n1,2\n", named: "x.csv", in: dir)
        let cases: [([String], String)] = [
            (["fit", response, "--formula", "y ~ x", "--stream", "--block-mb", "1"], "row 60001 (line 60002), column 'y': 'y' is not finite in double precision"),
            (["fit", response, "--formula", "y ~ x"], "the response 'y' is not finite in double precision at data row 60001"),
            (["fit", term, "--formula", "y ~ I(x^2)", "--stream", "--block-mb", "1"], "row 60001 (line 60002), column 'I(x^2)': 'I(x^2)' is not finite"),
            (["fit", term, "--formula", "y ~ I(x^2)"], "'I(x^2)' is not finite at data row 60001"),
        ]
        for (arguments, message) in cases {
            let r = try CLI.run(arguments)
            #expect(r.status == 2 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}

/// A CSV (or .csv.gz) larger than the memory an in-memory read may use is refused before it is
/// read, naming the file and suggesting `--stream` (it ended in "Fatal error: failed to
/// allocate" and exit 134). VAREX_MEMORY_LIMIT sets that memory here, as a user may.
struct TooLargeForMemoryTests {
    @Test func refusedBeforeReadingWithAWayOut() throws {
        let dir = try CLI.temporaryDirectory()
        var text = "y,x\n"
        for i in 0..<100_000 { text += "\(Double(i % 13) + Double(i % 7) / 10),\(Double(i % 11) / 4)\n" }
        let csv = try CLI.write(text, named: "d.csv", in: dir)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/sh")
        gz.arguments = ["-c", "gzip -k -c '\(csv)' > '\(csv).gz'"]
        try gz.run(); gz.waitUntilExit()
        let limit = ["VAREX_MEMORY_LIMIT": "2M"]
        for path in [csv, csv + ".gz"] {
            let r = try CLI.run(["fit", path, "--formula", "y ~ x", "--residuals", dir + "/r.csv"], environment: limit)
            #expect(r.status == 1 && r.stderr.contains("of CSV into memory needs about") && r.stderr.contains("'varex fit --stream'"),
                    "\(path): \(r.stderr)")
            #expect(r.stderr.hasPrefix("varex: error: \(path): ") && !r.stderr.contains("Fatal"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/r.csv"))
        }
        // Read in blocks it fits in that memory; and without the limit it is read whole.
        let streamed = try CLI.run(["fit", csv, "--formula", "y ~ x", "--stream"], environment: limit)
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(try CLI.run(["fit", csv, "--formula", "y ~ x"]).status == 0)
        let bad = try CLI.run(["fit", csv, "--formula", "y ~ x"], environment: ["VAREX_MEMORY_LIMIT": "lots"])
        #expect(bad.status == 1 && bad.stderr.contains("VAREX_MEMORY_LIMIT='lots' is not a size"), "\(bad.stderr)")
    }
}

/// Every documented missing-value marker leaves its row out, in memory and read in blocks: the
/// markers are written here from the README's list (not from the code's), each in a row of its
/// own, and the fit is checked against least squares on the other rows, worked out in the test.
struct MissingMarkerTests {
    static let documented = ["", "NA", "NaN", "N/A", "..", ":", "[x]", "[c]", "[z]", "[low]", "[X]", "[LOW]", " NA "]

    @Test func eachMarkerLeavesItsRowOut() throws {
        let dir = try CLI.temporaryDirectory()
        // Complete rows: y = 1 + 2x + a small wobble; each marker row would pull the line far off.
        var rows: [(Double, Double)] = []
        var text = "y,x\n"
        for i in 0..<40 {
            let x = Double(i), y = 1 + 2 * x + (i % 3 == 0 ? 0.5 : -0.25)
            rows.append((x, y))
            text += "\(y),\(x)\n"
        }
        for (k, marker) in Self.documented.enumerated() {
            text += k % 2 == 0 ? "\(marker),1000\n" : "9999,\(marker)\n"
        }
        let data = try CLI.write(text, named: "d.csv", in: dir)
        // Least squares on the complete rows, by the normal equations of a line.
        let n = Double(rows.count), sx = rows.reduce(0) { $0 + $1.0 }, sy = rows.reduce(0) { $0 + $1.1 }
        let sxx = rows.reduce(0) { $0 + $1.0 * $1.0 }, sxy = rows.reduce(0) { $0 + $1.0 * $1.1 }
        let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), intercept = (sy - slope * sx) / n
        for extra in [[], ["--stream"]] {
            let r = try CLI.run(["fit", data, "--formula", "y ~ x", "--json", "-"] + extra)
            #expect(r.status == 0, "\(extra): \(r.stderr)")
            let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            #expect(j["n"] as? Int == 40 && j["n_dropped"] as? Int == Self.documented.count, "\(extra): n \(j["n"]!), dropped \(j["n_dropped"]!)")
            let b = (j["coefficients"] as! [[String: Any]]).map { ($0["estimate"] as! NSNumber).doubleValue }
            #expect(b.count == 2 && abs(b[0] - intercept) <= 1e-10 * abs(intercept) && abs(b[1] - slope) <= 1e-10 * abs(slope), "\(extra): \(b)")
        }
    }
}
