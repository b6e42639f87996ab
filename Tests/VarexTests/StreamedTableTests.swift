import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// A mixed model with `--stream` reads the file in blocks and keeps only the columns the model
/// uses (``Table/reading(_:columns:)``, ``FitRequest/streamedTable(blockBytes:)``). In blocks of
/// 4 kB (each council's five panel rows spread over blocks, a text cell met late in a numeric
/// column) the table equals the whole file narrowed to those columns, cell by cell; and the
/// mixed model fitted from it gives lme4's numbers (fixtures/reference/mixed_panel_fixef.csv).
struct StreamedTableTests {
    static let panel = Fixtures.path("councils/asc_panel_2014_2019.csv")

    /// Every column's cells, missing flags, values, kind, first text row and numeric count, and
    /// the rows' lines, equal.
    static func expectEqual(_ got: Table, _ want: Table, columns: [String]) throws {
        #expect(got.names == columns)
        #expect(got.rowCount == want.rowCount && got.lines == want.lines)
        for name in columns {
            let g = try got.column(name), w = try want.column(name)
            #expect(g.kind == w.kind && g.firstNonNumericRow == w.firstNonNumericRow && g.numericCount == w.numericCount, "\(name)")
            #expect(g.isMissing == w.isMissing, "\(name)")
            #expect(Array(g.cells) == Array(w.cells), "\(name)")
            #expect(g.values.count == w.values.count && zip(g.values, w.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(name)")
        }
    }

    @Test func blocksKeepTheModelsColumnsAsTheWholeFileHasThem() throws {
        let request = FitRequest(dataPath: Self.panel, formula: "log(asc_net_spend_per_adult_gbp) ~ imd_score + financial_year + (1 + imd_score | region)",
                                 keep: ["name"])
        var reader = try CSVBlockReader(path: Self.panel, blockBytes: 4096)
        let names = reader.names
        let columns = try request.columnsRead(fileNames: names)
        #expect(columns == ["asc_net_spend_per_adult_gbp", "imd_score", "financial_year", "region", "name"])
        let got = try Table.reading(&reader, columns: columns)
        #expect(reader.blocks > 20, "\(reader.blocks) blocks")
        let whole = try Table(contentsOf: Self.panel)
        try Self.expectEqual(got, whole, columns: names.filter(columns.contains))
    }

    /// A column numeric in the first blocks and text later (a typo 700 rows down) is text, its
    /// first text row the file's; a missing marker and a number written in another spelling
    /// keep their texts.
    @Test func aTextCellInALaterBlockMakesTheColumnText() throws {
        var lines = ["id,y,x,g"]
        for i in 0..<900 {
            let x = i == 700 ? "twelve" : i == 5 ? "NA" : i == 9 ? "1.50" : "\(i % 17)"
            lines.append("r\(i),\(Double(i) * 0.25),\(x),\(["a", "b", "c"][i % 3])")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("varex-streamed-\(UUID().uuidString).csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var reader = try CSVBlockReader(path: path, blockBytes: 1024)
        let got = try Table.reading(&reader, columns: ["g", "x", "id"])
        #expect(reader.blocks > 10)
        let whole = try Table(contentsOf: path)
        try Self.expectEqual(got, whole, columns: ["id", "x", "g"])
        #expect(try got.column("x").firstNonNumericRow == 700 && got.column("x").kind == .text)
    }

    /// The random-intercept panel model fitted from the table read in 4 kB blocks: lme4's
    /// fixed effects (1e-6 of the SE), SEs and Satterthwaite df (1e-6, 1e-5), as in memory.
    @Test func theMixedModelFromBlocksIsLme4s() throws {
        let request = FitRequest(dataPath: Self.panel, formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + financial_year + (1 | code)")
        var reader = try CSVBlockReader(path: Self.panel, blockBytes: 4096)
        let table = try Table.reading(&reader, columns: try request.columnsRead(fileNames: reader.names))
        #expect(table.names == ["code", "council_type", "financial_year", "pop_18p", "pop_65p", "imd_score", "asc_net_spend_per_adult_gbp"], "\(table.names)")
        let a = try MixedAnalysis(request, table: table)
        let want = try Fixtures.csv("reference/mixed_panel_fixef.csv")
        let col = Dictionary(uniqueKeysWithValues: want.header.enumerated().map { ($1, $0) })
        let rows = a.coefficients
        #expect(rows.count == want.rows.count && a.fit.n == 759)
        for (j, (r, w)) in zip(rows, want.rows).enumerated() {
            let se = Double(w[col["se"]!])!
            #expect(r.term == w[col["term"]!])
            #expect(abs(r.estimate - Double(w[col["estimate"]!])!) <= 1e-6 * se, "\(r.term)")
            #expect(close(r.standardError, se, rel: 1e-6), "\(r.term) se")
            #expect(close(a.satterthwaite.degreesOfFreedom[j], Double(w[col["df"]!])!, rel: 1e-5), "\(r.term) df")
        }
    }

    /// A column the run names that neither the file nor a file to join has is refused before
    /// the file is read, with the file's closest name, as a whole-file read refuses it.
    @Test func anUnknownColumnIsNamedWithTheClosest() throws {
        let request = FitRequest(dataPath: Self.panel, formula: "asc_net_spend_per_adult_gbp ~ imd_scor + (1 | code)")
        #expect(throws: DataError.unknownColumn(path: Self.panel, name: "imd_scor", suggestion: "imd_score")) {
            try request.streamedTable(blockBytes: 4096)
        }
    }
}
