import Testing
import Foundation
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
        // The library names the setting as a request does; the command line renders it as a flag.
        let error = StreamError.changed(CellLocation(file: "d.csv", row: 102, line: 3, column: "g"), level: "c")
        #expect(error.description
            == "d.csv, row 102 (line 3), column 'g': 'c' is a level the first pass through the file did not see (stream): the file changed while it was read")
        struct Flags: SettingNames { func name(_ s: Setting) -> String { "--" + s.rawValue } }
        #expect(error.message(naming: Flags()).contains("(--stream): the file changed"))
        // A block whose cells happen to look like numbers is still coded by the file's levels.
        let numeric = Self.block([["1", "2", "10"], ["2", "3", "9"], ["4", "1", "10"]], firstRow: 0)
        let codes = try StreamingFit.blockDesign(formula: formula, block: numeric,
                                                 codings: [2: CategoricalCoding(levels: ["10", "9", "a"], reference: 0)])
        #expect(codes.columnNames == ["(Intercept)", "x", "g9", "ga"])
        #expect((0..<3).map { codes.x[$0, 2] } == [0, 1, 0] && (0..<3).map { codes.x[$0, 3] } == [0, 0, 0])
    }
}

/// The residuals' pass of `--stream --residuals` reads the file again: a file that grew, shrank
/// or had a response changed since the fit is an error, never rows the fit never saw written out
/// as its residuals (issue 19: a grown file's new rows were written, flagged influential).
struct StreamingSecondPassTests {
    static func write(_ rows: Int, changeLast: Bool = false, in dir: String, name: String) throws -> String {
        var text = "y,x\n"
        for i in 0..<rows {
            let x = Double(i % 17) / 3
            let y = changeLast && i == rows - 1 ? 99.5 : 2 * x + Double(i % 5) / 7
            text += "\(y),\(x)\n"
        }
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFileThatChangedBetweenThePassesIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-pass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let original = try Self.write(200, in: dir, name: "a.csv")
        let fit = try StreamingFit.fit(formula: try Formula("y ~ x"), reader: try CSVBlockReader(path: original, blockBytes: 1024), reopen: nil)
        #expect(fit.n == 200)
        var rows = 0
        try fit.eachRow(open: { try CSVBlockReader(path: original, blockBytes: 1024) }) { _, _, m, _, _ in if m != nil { rows += 1 } }
        #expect(rows == 200)
        for (name, path) in [("grew", try Self.write(230, in: dir, name: "b.csv")), ("shrank", try Self.write(150, in: dir, name: "c.csv")),
                             ("changed", try Self.write(200, changeLast: true, in: dir, name: "d.csv"))] {
            var written = 0
            #expect(throws: StreamError.self, "\(name)") {
                try fit.eachRow(open: { try CSVBlockReader(path: path, blockBytes: 1024) }) { _, _, _, _, _ in written += 1 }
            }
            #expect(written <= 200, "\(name): \(written) rows given out")
        }
    }
}
