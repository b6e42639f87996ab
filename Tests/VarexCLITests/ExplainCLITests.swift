import Foundation
import Testing

/// `varex explain`, `varex index` and the demo through the binary: outputs, and bad input
/// (exit 1, one line, nothing left behind).
struct ExplainCLITests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let gross = CLI.fixture("councils/gross_spend_2018_19.csv")
    static let formula = "I(asc_gross_expenditure_k * 1000/pop_18p) ~ log(pop_85p/pop_18p) + imd_score + council_type + ascof_2a2"
    static let groups = ["--justified", "need=log(pop_85p/pop_18p),imd_score", "--justified", "type=council_type",
                         "--unjustified", "practice=ascof_2a2"]

    @Test func writesEveryCouncilWithPounds() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/explain.csv", json = dir + "/explain.json"
        let r = try CLI.run(["explain", Self.councils, "--id", "code", "--label", "name", "--join", Self.gross, "--formula", Self.formula]
                            + Self.groups + ["--scale", "pop_18p", "--exclude", "E09000001", "--out", out, "--json", json])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Shares of the variation"))
        #expect(r.stdout.contains("Spending above the model's justified level: £"))
        let totals = r.stdout.split(separator: "\n").first { $0.hasPrefix("Spending above") } ?? ""
        #expect(totals.contains("councils; spending below it: £") && !totals.contains("-£"), "no double negative: \(totals)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 153)
        #expect(lines[0].hasPrefix("code,name,observed,fitted,baseline,effect_need,effect_type,effect_practice,justified,unjustified,residual,unjustified_pct,studentized_residual,pi_low,pi_high,"))
        #expect(lines[0].contains(",unjustified_gbp,") && lines[0].hasSuffix(",rank,note"))
        #expect(lines.contains { $0.hasPrefix("E09000001,City of London,") && $0.hasSuffix(",out of sample: excluded") })
        #expect(lines.contains { $0.hasPrefix("E06000053,Isles of Scilly,") && $0.contains("left out: missing") } == false,
                "Scilly has every column this model reads")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let groups = obj["groups"] as! [[String: Any]]
        #expect(groups.map { $0["name"] as! String } == ["need", "type", "practice"])
        let shares = groups.map { $0["share"] as! Double }
        let r2 = (obj["fit"] as! [String: Any])["r_squared"] as! Double
        #expect(abs(shares.reduce(0, +) - r2) < 1e-12)
        #expect((obj["subset_r_squared"] as! [Any]).count == 8)
        #expect(obj["unjustified_positive_total"] is Double)
    }

    @Test func indexWritesComponentsAndNotes() throws {
        let r = try CLI.run(["index", Self.councils, "--id", "code", "--measure", "ascof_1a:+", "--measure", "ascof_2a2:-",
                             "--weight", "ascof_1a=2", "--normalise", "minmax"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines[0] == "code,outcome_index,ascof_1a_minmax,ascof_2a2_minmax,measures_used,note")
        #expect(lines.count == 153)
        #expect(lines.contains { $0.hasPrefix("E06000053,") && $0.hasSuffix("1,re-weighted over 1 of 2 measures (missing ascof_1a)") })
        #expect(r.stderr.contains("1 row re-weighted"))
    }

    @Test func demoExplainsGrossSpendInPounds() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["demo", "--out", dir + "/demo.csv"], in: CLI.repository)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Gross spend is explained by need better than net spend"))
        #expect(r.stdout.contains("Furthest above what is justified"))
        #expect(r.stdout.contains("Open Government Licence"))
        let csv = try String(contentsOfFile: dir + "/demo.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 153)
        #expect(csv.contains("unjustified_gbp"))
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let args: [String]
        let expect: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "unknown term", args: ["--justified", "need=imd_scor"], expect: "the model has no term 'imd_scor'"),
        Bad(name: "term in two groups", args: ["--justified", "need=imd_score,log(pop_85p/pop_18p)", "--unjustified", "other=imd_score"],
            expect: "term 'imd_score' is in two groups"),
        Bad(name: "group with no terms", args: ["--justified", "need="], expect: "group 'need' names no terms"),
        Bad(name: "unclassified term", args: ["--justified", "need=imd_score"], expect: "not classified: log(pop_85p/pop_18p)"),
        Bad(name: "scale with a missing value", args: ["--justified", "need=imd_score,log(pop_85p/pop_18p)", "--scale", "ascof_1a"],
            expect: "row 52 (line 53), column 'ascof_1a': the --scale value is missing"),
        Bad(name: "scale not positive", args: ["--justified", "need=imd_score,log(pop_85p/pop_18p)", "--scale", "ascof_2c1"],
            expect: "column 'ascof_2c1': --scale value '0.0' is not positive"),
        Bad(name: "join without id", args: ["--justified", "need=imd_score,log(pop_85p/pop_18p)", "--join", "x.csv", "--no-id"],
            expect: "--join needs --id"),
        Bad(name: "unknown excluded id", args: ["--justified", "need=imd_score,log(pop_85p/pop_18p)", "--exclude", "E99"],
            expect: "--exclude E99: no row has that id"),
    ]

    @Test(arguments: bad)
    func explainRejects(_ c: Bad) throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/out.csv"
        var args = ["explain", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score", "--out", out]
        if !c.args.contains("--no-id") { args += ["--id", "code"] }
        args += c.args.filter { $0 != "--no-id" }
        let r = try CLI.run(args)
        #expect(r.status == 1, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.expect), "\(c.name): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func indexRejectsAnAllMissingMeasure() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("id,a,b\nx,1,\ny,2,NA\nz,3,..\n", named: "d.csv", in: dir)
        let r = try CLI.run(["index", data, "--measure", "a:+", "--measure", "b:-", "--out", dir + "/i.csv"])
        #expect(r.status == 1 && r.stderr.contains("measure 'b' is missing in every row"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/i.csv"))
        let bad = try CLI.run(["index", data, "--measure", "a"])
        #expect(bad.status == 1 && bad.stderr.contains("--measure a: write it as COLUMN:+"))
    }
}

/// `--rank-order best-first` (and the spec's `rank_order:`): rank 1 is the best council, the
/// lowest unjustified spend, in explain's table and summary and in rank's bootstrap; the ranks
/// are the default's turned round (n + 1 − r, no ties here), the medians too.
struct RankOrderCLITests {
    static let args = ["--id", "code", "--label", "name", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + council_type",
                       "--justified", "need=imd_score,I(pop_65p/pop_18p)", "--unjustified", "type=council_type"]

    @Test func bestFirstTurnsTheRanksRound() throws {
        let dir = try CLI.temporaryDirectory()
        let worst = try CLI.run(["explain", ExplainCLITests.councils] + Self.args + ["--out", dir + "/w.csv"])
        let best = try CLI.run(["explain", ExplainCLITests.councils] + Self.args + ["--rank-order", "best-first", "--out", dir + "/b.csv"])
        #expect(worst.status == 0 && best.status == 0, "\(best.stderr)")
        let w = try CLI.records(dir + "/w.csv"), b = try CLI.records(dir + "/b.csv")
        #expect(w.count == 152 && b.count == 152)
        for (x, y) in zip(w, b) { #expect(Int(x["rank"]!)! + Int(y["rank"]!)! == 153, "\(x["code"]!)") }
        #expect(b.first { $0["rank"] == "1" }?["name"] == "Barnsley")
        #expect(best.stdout.contains("Furthest below what is justified:\nRank"))
        #expect(best.stdout.range(of: "Furthest below")!.lowerBound < best.stdout.range(of: "Furthest above")!.lowerBound)
        // rank: the same resamples ranked the other way round.
        let rw = try CLI.run(["rank", ExplainCLITests.councils] + Self.args + ["--bootstrap", "200", "--seed", "3", "--out", dir + "/rw.csv"])
        let rb = try CLI.run(["rank", ExplainCLITests.councils] + Self.args + ["--bootstrap", "200", "--seed", "3", "--rank-order", "best-first", "--out", dir + "/rb.csv"])
        #expect(rw.status == 0 && rb.status == 0, "\(rb.stderr)")
        #expect(rb.stderr.contains("rank 1 = the smallest") && rw.stderr.contains("rank 1 = the largest"))
        let kw = try CLI.records(dir + "/rw.csv"), kb = try CLI.records(dir + "/rb.csv")
        #expect(kw.count == 152 && kb.count == 152)
        for (x, y) in zip(kw, kb) {
            #expect(Int(x["rank"]!)! + Int(y["rank"]!)! == 153)
            #expect(Double(x["median_rank"]!)! + Double(y["median_rank"]!)! == 153)
        }
        // The spec's key says the same; a wrong word is named.
        let spec = try CLI.write("rank_order: best-first\n", named: "s.yaml", in: dir)
        let fromSpec = try CLI.run(["explain", ExplainCLITests.councils, "--spec", spec] + Self.args + ["--out", dir + "/s.csv"])
        #expect(fromSpec.status == 0, "\(fromSpec.stderr)")
        #expect(try CLI.records(dir + "/s.csv").map { $0["rank"] } == b.map { $0["rank"] })
        let bad = try CLI.write("rank_order: best\n", named: "bad.yaml", in: dir)
        let refused = try CLI.run(["explain", ExplainCLITests.councils, "--spec", bad] + Self.args)
        #expect(refused.status == 1 && refused.stderr.contains("rank_order") && refused.stderr.contains("best-first"), "\(refused.stderr)")
    }
}
