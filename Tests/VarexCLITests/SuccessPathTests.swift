import Foundation
import Testing
import Varex
import VarexAnalysis

/// The options the review found untested on their success path, through the binary, each
/// against an independent reference: R's output saved in fixtures/reference/, or arithmetic
/// written out here. Never against Varex's own earlier output.
struct SuccessPathTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")

    static func table(_ text: String) throws -> (header: [String], rows: [[String]]) {
        let r = try CSVReader.parse(Array(text.utf8), file: "out")
        return (r.header, r.rows)
    }

    static func column(_ t: (header: [String], rows: [[String]]), _ name: String) -> [String] {
        let j = t.header.firstIndex(of: name)!
        return t.rows.map { $0[j] }
    }

    /// `funnel` writes R's z-scores and limits (fixtures/reference/funnel_ascof_3a.csv, from the
    /// published formulas) for every council, to 1e-9.
    @Test func funnelAgreesWithR() throws {
        let r = try CLI.run(["funnel", Self.councils, "--id", "code", "--indicator", "ascof_3a", "--denominator", "ascof_3a_base",
                             "--overdispersion", "additive"])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Self.table(r.stdout)
        let ref = try CSVReader.read(path: CLI.fixture("reference/funnel_ascof_3a.csv"))
        let byCode = Dictionary(uniqueKeysWithValues: got.rows.map { ($0[0], $0) })
        for row in ref.rows {
            let g = try #require(byCode[row[0]])
            for (ours, theirs) in [("z", "z"), ("z_adjusted", "z_adjusted_additive"), ("low_95", "low_additive_95"),
                                   ("high_99.8", "high_additive_99.8")] {
                let x = Double(g[got.header.firstIndex(of: ours)!])!, y = Double(row[ref.header.firstIndex(of: theirs)!])!
                #expect(abs(x - y) <= 1e-9 * max(1, abs(y)), "\(row[0]) \(ours): \(x) vs R \(y)")
            }
        }
    }

    /// `shrink` by hand: estimates ±2 with variance 1 about a fixed mean 0 give Q = 8, τ² = 3,
    /// B = 1/4, shrunken ±1.5 and posterior SD √0.75, whether the precision is given as a
    /// variance, an SE (1) or a margin of error (1.959964…).
    @Test(arguments: [("--variance", "1"), ("--se", "1"), ("--moe", "1.959963984540054")])
    func shrinkCentreZeroByHand(_ flag: String, _ value: String) throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("code,e,p\nA,2,\(value)\nB,-2,\(value)\nC,0,\(value)\n", named: "s.csv", in: dir)
        let r = try CLI.run(["shrink", data, "--id", "code", "--estimate", "e", flag, "p", "--centre", "zero"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try Self.table(r.stdout)
        // Three units: Q = 4 + 4 + 0 = 8 over k = 3, τ² = (8 − 3)/3 = 5/3, B = 1/(1 + 5/3) = 3/8.
        let shrunk = Self.column(t, "shrunken").map { Double($0)! }
        let b = 3.0 / 8
        for (s, e) in paired(shrunk, [2.0, -2, 0]) { #expect(abs(s - (1 - b) * e) < 1e-12, "\(s)") }
        let sd = Self.column(t, "posterior_sd").map { Double($0)! }
        #expect(sd.allSatisfy { abs($0 - (5.0 / 3 / (1 + 5.0 / 3)).squareRoot()) < 1e-12 }, "\(sd)")
    }

    /// `peers --neighbours`: the peer mean and difference by hand; `--by-weight` changes who is
    /// nearest as the arithmetic says.
    @Test func peersByHand() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("code,v,a,b\nA,10,0,0\nB,20,1,10\nC,40,10,1\nD,70,11,11\n", named: "p.csv", in: dir)
        let pairs = try CLI.write("code,peer\nA,B\nA,C\nB,D\n", named: "n.csv", in: dir)
        let r = try CLI.run(["peers", data, "--id", "code", "--value", "v", "--neighbours", pairs])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try Self.table(r.stdout)
        let mean = Self.column(t, "peer_mean"), diff = Self.column(t, "difference")
        #expect(Double(mean[0]) == 30 && Double(diff[0]) == -20 && Double(mean[1]) == 70 && Double(diff[1]) == -50)
        // a (0, 1, 10, 11) and b (0, 10, 1, 11) have the same SD, so in SD units the squared
        // distances from A are, to B: 1 + 100, to C: 100 + 1 (a tie, which goes to the earlier, B).
        // Weighting a by 100: B 100 + 100 = 200, C 10000 + 1: B. Weighting b by 100: B 1 + 10000,
        // C 100 + 100 = 200: C.
        func nearest(_ extra: [String]) throws -> String {
            let r = try CLI.run(["peers", data, "--id", "code", "--value", "v", "--by", "a", "--by", "b", "--peers", "1"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return Self.column(try Self.table(r.stdout), "peers")[0]
        }
        #expect(try nearest([]) == "B")
        #expect(try nearest(["--by-weight", "a=100"]) == "B")
        #expect(try nearest(["--by-weight", "b=100"]) == "C")
    }

    /// `verify --rtol/--atol`: a value moved by 1e-7 relative passes at rtol 1e-6 and fails at 1e-9.
    @Test func verifyTolerances() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLI.fixture("snapshots/council-explain"), toPath: dir + "/f")
        let path = dir + "/f/explain.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let row = text.split(separator: "\n")[1]
        let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let j = 3 // fitted
        let moved = Double(cells[j])! * (1 + 1e-7)
        var newCells = cells
        newCells[j] = String(moved)
        text = text.replacingOccurrences(of: String(row), with: newCells.joined(separator: ","))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let spec = CLI.fixture("specs/council-explain.yaml")
        let loose = try CLI.run(["verify", spec, "--fixture", dir + "/f", "--rtol", "1e-6"])
        #expect(loose.status == 0, "\(loose.stderr)")
        let tight = try CLI.run(["verify", spec, "--fixture", dir + "/f"])
        #expect(tight.status == 1 && tight.stderr.contains("explain.csv") && tight.stderr.contains("fitted"))
        let absolute = try CLI.run(["verify", spec, "--fixture", dir + "/f", "--atol", "1"])
        #expect(absolute.status == 0, "atol 1 covers a change of about 4e-5: \(absolute.stderr)")
    }

    /// `--higher-is better`: rank 1 is the smallest unjustified value (outcomes: worst first).
    @Test func higherIsBetterRanksFromTheBottom() throws {
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--formula", "ascof_1a ~ imd_score", "--justified", "need=imd_score",
                             "--higher-is", "better", "--out", "-"])
        #expect(r.status == 0)
        let t = try Self.table(r.stdout)
        let pairs = paired(Self.column(t, "unjustified"), Self.column(t, "rank")).compactMap { u, k in Double(u).map { ($0, Int(k)!) } }
        #expect(pairs.count >= 140)
        for (u, k) in pairs { #expect(k == 1 + pairs.filter { $0.0 < u }.count) }
    }

    /// `rank`, cases and residuals: each replicate puts exactly ten councils in the top ten, so
    /// the top-ten probabilities sum to 10 (and the bottom ten's too), and every median lies in
    /// its interval.
    @Test(arguments: ["cases", "residuals"])
    func rankProbabilitiesAddUp(_ resample: String) throws {
        let r = try CLI.run(["rank", Self.councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                             "--justified", "need=imd_score,council_type", "--bootstrap", "400", "--resample", resample])
        #expect(r.status == 0)
        let t = try Self.table(r.stdout)
        let top = Self.column(t, "p_top10").compactMap(Double.init), bottom = Self.column(t, "p_bottom10").compactMap(Double.init)
        #expect(abs(top.reduce(0, +) - 10) < 1e-9 && abs(bottom.reduce(0, +) - 10) < 1e-9)
        let medians = Self.column(t, "median_rank"), lows = Self.column(t, "rank_low"), highs = Self.column(t, "rank_high")
        for k in medians.indices where !medians[k].isEmpty {
            let median = Double(medians[k])!, low = Double(lows[k])!, high = Double(highs[k])!
            #expect(low <= median && median <= high)
        }
    }

    /// `explain --sensitivity-out`: the assignment the run used reproduces its own ranks, and
    /// the file has one row per council.
    @Test func sensitivityOutMatchesTheRunsRanks() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                             "--justified", "need=imd_score", "--unjustified", "type=council_type",
                             "--out", dir + "/e.csv", "--sensitivity-out", dir + "/s.csv"])
        #expect(r.status == 0)
        let e = try CSVReader.read(path: dir + "/e.csv"), s = try CSVReader.read(path: dir + "/s.csv")
        #expect(s.rows.count == 152)
        let k = s.header.firstIndex(of: "rank_justified_need")!, rank = e.header.firstIndex(of: "rank")!
        for (a, b) in paired(e.rows, s.rows) { #expect(a[rank] == b[k]) }
    }

    /// `--reference` picks the reference level as R's relevel (fixtures/reference/
    /// reference_level_coefficients.csv), to 1e-9.
    @Test func referenceLevelAsRelevel() throws {
        let r = try CLI.run(["fit", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                             "--reference", "council_type=Unitary Authority", "--format", "csv"])
        #expect(r.status == 0)
        let got = try Self.table(r.stdout), ref = try CSVReader.read(path: CLI.fixture("reference/reference_level_coefficients.csv"))
        #expect(got.rows.map { $0[0] } == ref.rows.map { $0[0] })
        for (g, w) in paired(got.rows, ref.rows) {
            #expect(abs(Double(g[1])! - Double(w[1])!) <= 1e-9 * abs(Double(w[1])!), "\(g[0])")
            #expect(abs(Double(g[2])! - Double(w[2])!) <= 1e-9 * abs(Double(w[2])!), "\(g[0]) SE")
        }
    }

    /// `--tol 1e-7` makes R's choice on NIST's Filip: I(x^10) is aliased, as in R's lm. The other
    /// estimates agree with R's to 1e-6 only: that model's condition number is about 1e12 and
    /// R's unrefined QR keeps about six digits of it.
    @Test func rToleranceAliasesAsR() throws {
        let data = try StalledRefinementTests.filip()
        let r = try CLI.run(["fit", data, "--formula", "y ~ x + " + (2...10).map { "I(x^\($0))" }.joined(separator: " + "),
                             "--tol", "1e-7", "--format", "csv"])
        #expect(r.status == 0 && r.stderr.contains("not estimable") && r.stderr.contains("I(x^10)"))
        let got = try Self.table(r.stdout), ref = try CSVReader.read(path: CLI.fixture("reference/filip_r_tolerance_coefficients.csv"))
        for (g, w) in paired(got.rows, ref.rows) {
            if w[1] == "NA" { #expect(g[1].isEmpty || g[1] == "NA", "\(g[0]) should be aliased"); continue }
            #expect(abs(Double(g[1])! - Double(w[1])!) <= 1e-6 * abs(Double(w[1])!), "\(g[0]): \(g[1]) vs R \(w[1])")
        }
    }

    /// log10() and log2() responses retransform to the same justified levels as log(): the
    /// same model on another base (an invariance the arithmetic guarantees: smearing and levels
    /// do not depend on the base).
    @Test func logBasesAgree() throws {
        func justified(_ response: String) throws -> [String] {
            let r = try CLI.run(["explain", Self.councils, "--id", "code", "--formula", "\(response) ~ imd_score + council_type",
                                 "--justified", "need=imd_score,council_type", "--out", "-"])
            #expect(r.status == 0)
            return Self.column(try Self.table(r.stdout), "justified")
        }
        let e = try justified("log(asc_net_spend_per_adult_gbp)"), ten = try justified("log10(asc_net_spend_per_adult_gbp)"),
            two = try justified("log2(asc_net_spend_per_adult_gbp)")
        #expect(e.count == 152 && e.filter { !$0.isEmpty }.count >= 140)
        for (a, (b, c)) in paired(e, Array(paired(ten, two))) where !a.isEmpty {
            #expect(abs(Double(a)! - Double(b)!) < 1e-9 * Double(a)! && abs(Double(a)! - Double(c)!) < 1e-9 * Double(a)!)
        }
    }

    /// A weighted log response, by hand: WLS of log(spend) on need with weights w (normal
    /// equations written out here), Duan's smearing weighted the same way, S = Σwᵢe^rᵢ / Σwᵢ,
    /// justified = S·exp(weighted mean of log spend + b·(need − weighted mean need)).
    @Test func weightedLogResponseByHand() throws {
        let dir = try CLI.temporaryDirectory()
        let spend = [100.0, 130, 150, 210, 230], need = [1.0, 2, 3, 4, 5], w = [1.0, 2, 1, 3, 1]
        var csv = "id,spend,need,w\n"
        for i in 0..<5 { csv += "u\(i),\(spend[i]),\(need[i]),\(w[i])\n" }
        let data = try CLI.write(csv, named: "w.csv", in: dir)
        let r = try CLI.run(["explain", data, "--id", "id", "--weights", "w", "--formula", "log(spend) ~ need", "--justified", "need=need", "--out", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let y = spend.map { log($0) }, sw = w.reduce(0, +)
        let mx = zip(w, need).reduce(0) { $0 + $1.0 * $1.1 } / sw, my = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var sxy = 0.0, sxx = 0.0
        for i in 0..<5 { sxy += w[i] * (need[i] - mx) * (y[i] - my); sxx += w[i] * (need[i] - mx) * (need[i] - mx) }
        let b = sxy / sxx
        let smear = (0..<5).reduce(0) { $0 + w[$1] * exp(y[$1] - (my + b * (need[$1] - mx))) } / sw
        let got = Self.column(try Self.table(r.stdout), "justified").map { Double($0)! }
        for i in 0..<5 {
            let want = smear * exp(my + b * (need[i] - mx))
            #expect(abs(got[i] - want) < 1e-10 * want, "\(i): \(got[i]) vs \(want)")
        }
    }

    /// Every CSV writer takes `--csv-dialect excel`: a UTF-8 byte-order mark and CRLF line ends.
    @Test(arguments: [
        ["fit", councils, "--formula", "asc_net_spend_k ~ imd_score", "--residuals", "OUT"],
        ["explain", councils, "--formula", "asc_net_spend_k ~ imd_score", "--justified", "need=imd_score", "--out", "OUT"],
        ["index", councils, "--measure", "ascof_1a:+", "--out", "OUT"],
        ["funnel", councils, "--indicator", "ascof_1a", "--moe", "ascof_1a_moe", "--out", "OUT"],
        ["shrink", councils, "--estimate", "ascof_1a", "--moe", "ascof_1a_moe", "--out", "OUT"],
        ["peers", councils, "--id", "code", "--value", "ascof_1a", "--by", "imd_score", "--out", "OUT"],
        ["rank", councils, "--formula", "asc_net_spend_k ~ imd_score", "--justified", "need=imd_score", "--bootstrap", "20", "--out", "OUT"],
    ])
    func excelDialectOnEveryWriter(_ args: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(args.map { $0 == "OUT" ? dir + "/o.csv" : $0 } + ["--csv-dialect", "excel"])
        #expect(r.status == 0, "\(args[0]): \(r.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/o.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(args[0]): no byte-order mark")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lineEnds = text.filter { $0 == "\r\n" }.count, newlines = text.unicodeScalars.filter { $0 == "\n" }.count
        #expect(lineEnds == newlines && lineEnds > 100, "\(args[0]): \(lineEnds) CRLF of \(newlines) line ends")
    }
}
