import Foundation
import Testing
import Varex
import VarexAnalysis

/// Outputs a reader can use: the unit named in the summaries, labels in every per-council
/// table, rank's short summary checked against its own CSV, and a starter formula without
/// constant or identifier columns.
struct WordingTests {
    static let spec = CLI.fixture("specs/council-explain.yaml")

    @Test func unitNamesTheRows() throws {
        let r = try CLI.run(["explain", "--spec", Self.spec, "--unit", "local authorities"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("Spending above") }.map(String.init) ?? ""
        // Totals written out, the negative one as a positive amount "below".
        let json = try CLI.run(["explain", "--spec", Self.spec, "--format", "json"])
        let j = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let positive = (j["unjustified_positive_total"] as! NSNumber).doubleValue / 1e6
        let negative = (j["unjustified_negative_total"] as! NSNumber).doubleValue / 1e6
        #expect(line == "Spending above the model's justified level: £\(String(format: "%.1f", positive))m across 75 local authorities; "
            + "spending below it: £\(String(format: "%.1f", -negative))m across 75 local authorities.", "\(line)")
    }

    @Test func indexCarriesTheLabel() throws {
        let r = try CLI.run(["index", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                             "--measure", "ascof_1a:+", "--measure", "ascof_3a:+"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "out")
        #expect(Array(t.header.prefix(3)) == ["code", "name", "outcome_index"])
        let data = try CSVReader.read(path: CLI.fixture("councils/asc_2018_19.csv"))
        let name = data.header.firstIndex(of: "name")!
        #expect(paired(t.rows, data.rows).allSatisfy { $0[0] == $1[0] && $0[1] == $1[name] })
    }

    /// rank's summary names the councils ranked first with the intervals the CSV gives them.
    @Test func rankSummaryAgreesWithItsTable() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["rank", "--spec", Self.spec, "--bootstrap", "200", "--out", dir + "/r.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("varex: Ranked 150 councils by unjustified value (rank 1 = the largest), 200 bootstrap replicates (cases resampled, seed 2019)."))
        let t = try CSVReader.read(path: dir + "/r.csv")
        let col = { (n: String) in t.header.firstIndex(of: n)! }
        let first = t.rows.filter { $0[col("rank")] == "1" }.first!
        #expect(r.stderr.contains("First: \(first[col("name")]) (rank 1, 95% interval \(first[col("rank_low")])–\(first[col("rank_high")]))"), "\(r.stderr)")
        let sure = t.rows.filter { Double($0[col("p_top10")]) ?? 0 >= 0.9 }.count
        #expect(r.stderr.contains("\(sure) of the councils are in the top 10 in at least 90% of replicates"), "\(r.stderr)")
    }

    @Test func starterFormulaAvoidsConstantsAndIdentifiers() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("row,const,council_code,y,x,z\n1,5,101,1.5,2,3.1\n2,5,205,2.5,1,4.2\n3,5,309,0.5,4,1.3\n4,5,412,0.7,8,2.0\n",
                                 named: "d.csv", in: dir)
        let r = try CLI.run(["init", data, "--out", dir + "/s.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let spec = try String(contentsOfFile: dir + "/s.yaml", encoding: .utf8)
        #expect(spec.contains("formula: \"y ~ x + z\""), "\(spec)")
    }
}
