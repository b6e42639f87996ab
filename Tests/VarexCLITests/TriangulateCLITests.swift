import Foundation
import Testing
import Varex

/// `varex triangulate` through the binary: every council of the file in place (Scilly left out
/// with its reason), the three views' columns as R has them (`triangulate_units.csv`), the
/// correlations in the summary, the same bytes on one core as on two, and bad input refused.
struct TriangulateCLITests {
    static let base = ["triangulate", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                       "--spend", "asc_net_spend_per_adult_gbp", "--need", "imd_score + I(log(pop_85p/pop_18p)) + I(log(pop_65p/pop_18p))",
                       "--output", "ascof_1a", "--output", "ascof_1b", "--output", "ascof_3a", "--dea-need", "imd_score"]

    @Test func tableAndSummaryAgreeWithR() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + ["--out", dir + "/t.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Spearman's rank correlations: regression–DEA 0.738, regression–frontier 0.999, DEA–frontier 0.745"))
        let got = try CLI.records(dir + "/t.csv")
        #expect(got.count == 152)
        #expect(got.first { $0["name"] == "Isles of Scilly" }?["note"] == "left out: missing ascof_1a")
        let want = try CLI.records(CLI.fixture("reference/triangulate_units.csv"))
        let rows = got.filter { $0["note"] == "" }
        #expect(rows.count == want.count)
        for (g, w) in zip(rows, want) {
            #expect(g["code"] == w["unit"])
            #expect(CLI.close(Double(g["unjustified"]!)!, Double(w["unjustified"]!)!, rel: 1e-9, abs: 1e-9))
            #expect(abs(Double(g["dea_efficiency"]!)! - Double(w["dea"]!)!) <= 1e-8)
            #expect(CLI.close(Double(g["sfa_efficiency"]!)!, Double(w["sfa"]!)!, rel: 1e-6))
            #expect(g["unjustified_rank"] == w["unjustified_rank"] && g["dea_rank"] == w["dea_rank"] && g["sfa_rank"] == w["sfa_rank"])
        }
    }

    @Test func drawsAreTheSameOnOneCore() throws {
        let dir = try CLI.temporaryDirectory()
        let (all, one, same, out) = try CLI.onAllCoresAndOne(Self.base + ["--bootstrap", "40", "--rank-draws", "100", "--seed", "8"], in: dir)
        #expect(all.status == 0 && one.status == 0, "\(all.stderr) \(one.stderr)")
        #expect(same)
        let header = try CLI.records(out).first!.keys
        for c in ["unjustified_rank_low", "dea_corrected", "dea_rank_high", "sfa_rank_low"] { #expect(header.contains(c)) }
    }

    /// The page: both efficiency charts, Hartlepool's peers with HiGHS's λ (`dea_councils.csv`:
    /// Middlesbrough 0.06226, Hull 0.2526, Barnsley 0.6851), and with one output and no need the
    /// frontier drawn through the efficient units; an unknown council is named.
    @Test func pageShowsPeersAndTheFrontier() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + ["--out", dir + "/t.csv", "--report", dir + "/t.html", "--council", "Hartlepool"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: dir + "/t.html", encoding: .utf8)
        for id in ["chart-dea", "chart-sfa", "chart-ranks", "peers-table", "full-table"] { #expect(page.contains("id=\"\(id)\""), "\(id)") }
        let peers = page.components(separatedBy: "id=\"peers-table\"")[1].components(separatedBy: "</table>")[0]
        let rows = peers.components(separatedBy: "<tr><td>").dropFirst().map { $0.components(separatedBy: "</td>").prefix(2).map { $0.replacingOccurrences(of: "<td class=\"num\">", with: "") } }
        #expect(rows.map { $0[0] } == ["Hartlepool (itself)", "Middlesbrough", "Kingston upon Hull, City of", "Barnsley"])
        #expect(rows.dropFirst().map { $0[1] } == ["0.06226", "0.2526", "0.6851"])
        #expect(page.contains("is not drawn"))
        // One output, no need: the frontier is drawn through the units with efficiency 1.
        let one = try CLI.run(Array(Self.base.prefix(10)) + ["--output", "ascof_1a", "--out", dir + "/o.csv", "--report", dir + "/o.html"])
        #expect(one.status == 0, "\(one.stderr)")
        let onePage = try String(contentsOfFile: dir + "/o.html", encoding: .utf8)
        let efficient = try CLI.records(dir + "/o.csv").filter { $0["dea_efficiency"].flatMap(Double.init).map { abs($0 - 1) < 1e-9 } == true }
        #expect(!efficient.isEmpty)
        let frontier = onePage.components(separatedBy: "id=\"chart-frontier\"")[1].components(separatedBy: "</svg>")[0]
        let points = frontier.components(separatedBy: "class=\"frontier\"")[0].components(separatedBy: "points=\"").last!.split(separator: " ")
        #expect(points.count == efficient.count + 2)
        let missing = try CLI.run(Self.base + ["--out", dir + "/m.csv", "--report", dir + "/m.html", "--council", "Atlantis"])
        #expect(missing.status == 1 && missing.stderr.contains("no council 'Atlantis'"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.csv"))
    }

    @Test(arguments: [(["--output", "nope"], "nope"), (["--need", "imd_score + nope"], "nope"), (["--bootstrap", "1"], "--bootstrap must be")])
    func badInputFailsInOneLine(_ extra: [String], _ message: String) throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(Self.base + extra + ["--out", dir + "/t.csv"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/t.csv"))
    }
}
