import Foundation
import Testing
import Varex

/// `varex efficiency` on the council CSV against the HiGHS reference
/// (`fixtures/reference/make_dea_reference.py`), its seeded bootstrap on any core count, and its
/// refusals of bad input: one line, exit 1, nothing written.
struct EfficiencyCLITests {
    static let base = ["efficiency", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                       "--input", "asc_net_spend_per_adult_gbp", "--output", "ascof_1a", "--output", "ascof_1b", "--output", "ascof_3a"]

    /// The binary's table for input orientation, variable returns and need: every council in
    /// the file's order, the Isles of Scilly left out, scores, super-efficiency, slacks and
    /// peers as HiGHS has them, targets the projection, ranks 1 = best.
    @Test func councilTableAgreesWithHiGHS() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + ["--need", "imd_score", "--super", "--out", dir + "/e.csv", "--peers-out", dir + "/p.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("151 units") && r.stderr.contains("1 left out"))
        let got = try CLI.records(dir + "/e.csv")
        let ref = try CSVReader.read(path: CLI.fixture("reference/dea_councils.csv")).rows.filter { $0[0] == "input_variable_need" }
        #expect(got.count == 152)
        #expect(ref.count == 151)
        let rows = got.filter { $0["efficiency"] != "" }
        #expect(rows.count == ref.count)
        let data = Dictionary(uniqueKeysWithValues: try CLI.records(CLI.fixture("councils/asc_2018_19.csv")).map { ($0["code"]!, $0) })
        #expect(got.first { $0["name"] == "Isles of Scilly" }?["note"] == "left out: missing ascof_1a")
        for (row, want) in zip(rows, ref) {
            #expect(row["code"] == want[1])
            let e = Double(row["efficiency"]!)!
            #expect(abs(e - Double(want[2])!) <= 1e-8, "\(want[1])")
            let slacks = want[4].split(separator: ";").map { Double($0)! }
            for (k, name) in ["ascof_1a", "ascof_1b", "ascof_3a"].enumerated() {
                #expect(abs(Double(row["slack_" + name]!)! - slacks[k]) <= 1e-8 * 100, "\(want[1]) \(name)")
                // The target is the output plus its slack (input orientation).
                let value = Double(data[want[1]]![name]!)!
                #expect(abs(Double(row["target_" + name]!)! - (value + slacks[k])) <= 1e-8 * 100, "target of \(want[1]) \(name)")
            }
            // And the input's target θx − s⁻.
            let x = Double(data[want[1]]!["asc_net_spend_per_adult_gbp"]!)!, sIn = Double(want[3])!
            #expect(abs(Double(row["target_asc_net_spend_per_adult_gbp"]!)! - (Double(want[2])! * x - sIn)) <= 1e-8 * 1000)
            if want[6] == "NA" { #expect(row["super_efficiency"] == "") } else { #expect(abs(Double(row["super_efficiency"]!)! - Double(want[6])!) <= 1e-8) }
            let peers = want[5].split(separator: ";").map { $0.split(separator: ":")[0] }
            #expect(row["peers"]!.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).split(separator: ":")[0] } == peers)
        }
        // Ranks: 1 is the highest super-efficiency (a council whose own programme has no
        // solution first), and no council outranks one with a higher score.
        let scored = rows.map { (Int($0["rank"]!)!, $0["super_efficiency"]!.isEmpty ? Double.infinity : Double($0["super_efficiency"]!)!) }
        #expect(scored.contains { $0.0 == 1 })
        for a in scored { for b in scored where a.1 > b.1 + 1e-12 { #expect(a.0 < b.0) } }
        // The long peers table: one row per (council, peer), weights as the reference.
        let peerRows = try CLI.records(dir + "/p.csv")
        #expect(peerRows.count == ref.reduce(0) { $0 + $1[5].split(separator: ";").count })
    }

    /// The same seed gives the same bytes on one core as on every core.
    @Test func seededBootstrapIsTheSameOnOneCore() throws {
        let dir = try CLI.temporaryDirectory()
        let (all, one, same, out) = try CLI.onAllCoresAndOne(Self.base + ["--need", "imd_score", "--bootstrap", "60", "--seed", "7"], in: dir)
        #expect(all.status == 0 && one.status == 0, "\(all.stderr) \(one.stderr)")
        #expect(same)
        let rows = try CLI.records(out).filter { $0["efficiency"] != "" }
        #expect(rows.count == 151)
        for r in rows {
            let e = Double(r["efficiency"]!)!, c = Double(r["efficiency_corrected"]!)!, hi = Double(r["efficiency_high"]!)!
            #expect(c < e && hi <= e + 1e-12)
        }
        // The corrected scores' ranks with their intervals (checked against the reference in DEATests).
        let ranks = rows.map { (Int($0["rank_corrected"]!)!, Int($0["rank_low"]!)!, Int($0["rank_high"]!)!) }
        #expect(Set(ranks.map(\.0)).count == rows.count)
        #expect(ranks.filter { $0.1 <= $0.0 && $0.0 <= $0.2 }.count >= rows.count * 9 / 10)
    }

    /// `--sampling-error auto`: the outputs' margins of error found and named, the same bytes on
    /// one core as on two; refused without a bootstrap, and with --sfa.
    @Test func samplingErrorRidesOnTheBootstrap() throws {
        let dir = try CLI.temporaryDirectory()
        let (all, one, same, _) = try CLI.onAllCoresAndOne(Self.base + ["--need", "imd_score", "--bootstrap", "40", "--seed", "2", "--sampling-error", "auto"], in: dir)
        #expect(all.status == 0 && one.status == 0, "\(all.stderr) \(one.stderr)")
        #expect(all.stderr.contains("outputs redrawn from their sampling errors (ascof_1a: margin of error ascof_1a_moe; ascof_1b: margin of error ascof_1b_moe; ascof_3a: margin of error ascof_3a_moe)"))
        #expect(same)
        let none = try CLI.run(Self.base + ["--sampling-error", "auto", "--out", dir + "/n.csv"])
        #expect(none.status == 1 && none.stderr.contains("carried by the bootstrap"), "\(none.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/n.csv"))
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let csv: String
        let extra: [String]
        let message: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "zero input", csv: "id,x,y\na,1,2\nb,0,3\nc,2,4\nd,3,3\n", extra: [], message: "row 2 (line 3), column 'x': x of b is 0.0: DEA needs every input and output positive"),
        Bad(name: "negative output", csv: "id,x,y\na,1,2\nb,2,-3\nc,2,4\nd,3,3\n", extra: [], message: "row 2 (line 3), column 'y': y of b is -3.0"),
        Bad(name: "constant output", csv: "id,x,y\na,1,2\nb,2,2\nc,2,2\nd,3,2\n", extra: [], message: "'y' takes the same value for every unit"),
        Bad(name: "text in a number column", csv: "id,x,y\na,1,2\nb,2,lots\nc,2,4\nd,3,3\n", extra: [], message: "row 2 (line 3), column 'y'"),
        Bad(name: "a column in two roles", csv: "id,x,y\na,1,2\nb,2,3\nc,2,4\nd,3,3\n", extra: ["--need", "y"], message: "'y' is named twice"),
        Bad(name: "no such column", csv: "id,x,y\na,1,2\nb,2,3\nc,2,4\nd,3,3\n", extra: ["--need", "imd"], message: "imd"),
    ]

    @Test(arguments: bad)
    func badInputFailsInOneLine(_ c: Bad) throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(c.csv, named: "d.csv", in: dir)
        let r = try CLI.run(["efficiency", data, "--id", "id", "--input", "x", "--output", "y", "--out", dir + "/out.csv"] + c.extra)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(c.message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
    }
}

/// `varex efficiency --sfa` through the binary on the council CSV, against R's maximum of the
/// written-out likelihood (`fixtures/reference/make_sfa_reference.R`), and its failures.
struct FrontierCLITests {
    static let formula = "log(asc_net_spend_per_adult_gbp) ~ imd_score + I(log(pop_85p/pop_18p)) + I(log(pop_65p/pop_18p))"
    static let base = ["efficiency", CLI.fixture("councils/asc_2018_19.csv"), "--sfa", "--id", "code", "--formula", formula]

    @Test(arguments: [("cost_halfnormal", [String]()), ("cost_exponential", ["--distribution", "exponential"]),
                      ("cost_hetero", ["--inefficiency-scale", "log(pop_18p)"])])
    func councilFrontierAgreesWithR(_ name: String, _ extra: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + extra + ["--out", dir + "/sfa.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let params = try CSVReader.read(path: CLI.fixture("reference/sfa_\(name)_parameters.csv")).rows
        // The estimates in the summary on stdout, each to the 6 digits printed.
        for row in params {
            let line = r.stdout.split(separator: "\n").first { $0.hasPrefix(row[0] == "l85" ? "I(log(pop_85p" : row[0] == "l65" ? "I(log(pop_65p" : row[0] == "ln_sigma_u2:lpop" ? "ln_sigma_u2:log(pop_18p)" : row[0]) }
            let fields = line.map { $0.split(separator: " ") }
            let printed = fields.flatMap { Double($0[1]) }
            #expect(printed.map { CLI.close($0, Double(row[1])!, rel: 1e-5) } == true, "\(name) \(row[0]): \(String(describing: line))")
        }
        let stats = try CSVReader.read(path: CLI.fixture("reference/sfa_\(name)_stats.csv")).rows[0]
        #expect(r.stdout.contains("log-likelihood " + NumberFormat.significant(Double(stats[0])!, 8)))
        let got = try CLI.records(dir + "/sfa.csv")
        let want = try CSVReader.read(path: CLI.fixture("reference/sfa_\(name)_units.csv")).rows
        #expect(got.count == 152 && want.count == 152)
        for (g, w) in zip(got, want) {
            #expect(g["code"] == w[0])
            #expect(CLI.close(Double(g["efficiency"]!)!, Double(w[1])!, rel: 1e-6), "\(w[0])")
            #expect(CLI.close(Double(g["inefficiency"]!)!, Double(w[2])!, rel: 1e-6, abs: 1e-9))
            #expect(CLI.close(Double(g["efficiency_low"]!)!, Double(w[3])!, rel: 1e-6))
            #expect(CLI.close(Double(g["efficiency_high"]!)!, Double(w[4])!, rel: 1e-6))
        }
    }

    /// `--rank-draws`: rank intervals from draws of the parameters and of u | e (checked against
    /// R in SFATests); a seed gives the same bytes on one core as on two.
    @Test func rankDrawsAreTheSameOnOneCore() throws {
        let dir = try CLI.temporaryDirectory()
        let (all, one, same, out) = try CLI.onAllCoresAndOne(Self.base + ["--rank-draws", "300", "--seed", "4"], in: dir)
        #expect(all.status == 0 && one.status == 0, "\(all.stderr) \(one.stderr)")
        #expect(same)
        let rows = try CLI.records(out)
        #expect(rows.count == 152)
        let inside = rows.filter { Int($0["rank_low"]!)! <= Int($0["rank"]!)! && Int($0["rank"]!)! <= Int($0["rank_high"]!)! }
        #expect(inside.count >= 145)
        let panel = try CLI.run(Self.base + ["--rank-draws", "10", "--panel", "code", "--time", "financial_year"])
        #expect(panel.status != 0 && panel.stderr.contains("--rank-draws is for a cross-section frontier"))
    }

    struct Failure: CustomTestStringConvertible, Sendable {
        let name: String
        let extra: [String]
        let status: Int32
        let message: String
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "wrong skew", extra: ["--side", "production"], status: 2, message: "wrong skew: the OLS residuals should be skewed to the left"),
        Failure(name: "no maximum", extra: ["--distribution", "truncated-normal"], status: 2, message: "the stochastic frontier did not converge"),
        Failure(name: "mean terms without the truncated normal", extra: ["--distribution", "half-normal", "--inefficiency-mean", "imd_score"], status: 1,
                message: "terms of the inefficiency's mean need the truncated normal"),
        Failure(name: "a DEA option", extra: ["--input", "x"], status: 1, message: "are DEA's"),
    ]

    @Test(arguments: failures)
    func failsInOneLine(_ f: Failure) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + f.extra + ["--out", dir + "/sfa.csv"])
        #expect(r.status == f.status, "\(r.stderr)")
        #expect(r.stderr.contains(f.message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 || f.status == 1 && r.stderr.contains("Usage"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/sfa.csv"))
    }
}

/// `varex efficiency --sfa --panel --time` on the five-year panel against R (Pitt–Lee and
/// Battese–Coelli 1992): every council-year's efficiency and interval to 1e-6, the row left out named.
struct PanelFrontierCLITests {
    @Test(arguments: [("pitt_lee", "time-invariant"), ("bc92", "time-varying")])
    func panelFrontierAgreesWithR(_ name: String, _ kind: String) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["efficiency", CLI.fixture("councils/asc_panel_2014_2019.csv"), "--sfa", "--panel", "code", "--time", "financial_year",
                             "--inefficiency", kind, "--formula", FrontierCLITests.formula, "--out", dir + "/p.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let stats = try CSVReader.read(path: CLI.fixture("reference/sfa_panel_\(name)_stats.csv")).rows[0]
        #expect(r.stdout.contains("log-likelihood " + NumberFormat.significant(Double(stats[0])!, 8)), "\(r.stdout)")
        let got = try CLI.records(dir + "/p.csv")
        let want = try CSVReader.read(path: CLI.fixture("reference/sfa_panel_\(name)_units.csv")).rows
        let computed = got.filter { $0["efficiency"] != "" }
        #expect(computed.count == want.count && got.count == computed.count + 1)
        #expect(got.contains { $0["note"]?.hasPrefix("left out: missing asc_net_spend_per_adult_gbp") == true })
        let byKey = Dictionary(uniqueKeysWithValues: computed.map { ($0["code"]! + " " + $0["period"]!, $0) })
        for w in want {
            let g = try #require(byKey[w[0] + " " + w[1]])
            #expect(CLI.close(Double(g["efficiency"]!)!, Double(w[2])!, rel: 1e-6), "\(w[0]) \(w[1])")
            #expect(CLI.close(Double(g["efficiency_low"]!)!, Double(w[4])!, rel: 1e-6) && CLI.close(Double(g["efficiency_high"]!)!, Double(w[5])!, rel: 1e-6))
        }
    }
}
