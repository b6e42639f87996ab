import Testing
@testable import Varex

/// A block read in the fit's pass is coded with the levels the first pass found; a level that
/// pass did not see (the file changed between the passes) is an error naming its row, never a
/// row silently coded as no level.
struct StreamingCodingTests {
    static func block(_ rows: [[String]], firstRow: Int) -> Table {
        var t = Table(records: CSVRecords(header: ["y", "x", "g"], rows: rows, lines: rows.indices.map { $0 + 2 }), source: "d.csv")
        t.firstRow = firstRow
        return t
    }

    @Test func aLevelTheFirstPassDidNotSeeIsAnError() throws {
        let formula = try Formula("y ~ x + g")
        let codings = [2: CategoricalCoding(levels: ["a", "b"], reference: 0)]
        let known = Self.block([["1", "2", "a"], ["2", "3", "b"], ["3", "5", "b"]], firstRow: 100)
        let design = try StreamingFit.blockDesign(formula: formula, block: known, codings: codings)
        #expect(design.columnNames == ["(Intercept)", "x", "gb"])
        #expect((0..<3).map { design.x[$0, 2] } == [0, 1, 1])
        let changed = Self.block([["1", "2", "a"], ["2", "3", "c"]], firstRow: 100)
        #expect(throws: StreamError.changed(CellLocation(file: "d.csv", row: 102, line: 3, column: "g"), level: "c")) {
            try StreamingFit.blockDesign(formula: formula, block: changed, codings: codings)
        }
        #expect(StreamError.changed(CellLocation(file: "d.csv", row: 102, line: 3, column: "g"), level: "c").description
            == "d.csv, row 102 (line 3), column 'g': 'c' is a level the first pass through the file did not see (--stream): the file changed while it was read")
        // A block whose cells happen to look like numbers is still coded by the file's levels.
        let numeric = Self.block([["1", "2", "10"], ["2", "3", "9"], ["4", "1", "10"]], firstRow: 0)
        let codes = try StreamingFit.blockDesign(formula: formula, block: numeric,
                                                 codings: [2: CategoricalCoding(levels: ["10", "9", "a"], reference: 0)])
        #expect(codes.columnNames == ["(Intercept)", "x", "g9", "ga"])
        #expect((0..<3).map { codes.x[$0, 2] } == [0, 1, 0] && (0..<3).map { codes.x[$0, 3] } == [0, 0, 0])
    }
}
