import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// The residual table streamed in chunks is the in-memory table's CSV byte for byte (the
/// in-memory table is pinned to R by `ReferenceTests`), and a stream that fails half-way leaves
/// no file behind.
struct StreamingWriterTests {
    static let councils = Fixtures.path("councils/asc_2018_19.csv")

    static func collect(_ content: OutputContent) throws -> (bytes: [UInt8], chunks: Int) {
        guard case let .chunks(produce) = content else { return ([], 0) }
        var bytes: [UInt8] = [], chunks = 0
        try produce { bytes += $0; chunks += 1 }
        return (bytes, chunks)
    }

    @Test(arguments: [CSVWriter.Dialect.rfc4180, .excel])
    func streamedResidualTableEqualsTheRenderedOne(dialect: CSVWriter.Dialect) throws {
        // Rows used, rows left out (a missing value), rows excluded and predicted out of sample, a
        // label and a kept column: every kind of row the table has.
        var request = FitRequest(dataPath: Self.councils, formula: "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                                 id: "code", exclude: ["E09000001", "E06000053"], label: "name", keep: ["region"])
        request.covariance = .hc3
        let analysis = try FitAnalysis(request)
        let rows = try analysis.residualRows()
        let rendered = Array(CSVWriter.render(rows.table, dialect: dialect).utf8)
        let (streamed, chunks) = try Self.collect(CSVWriter.stream(rows, dialect: dialect, chunk: 512))
        #expect(streamed == rendered)
        #expect(chunks > 20, "\(chunks) chunks")
        #expect(rows.count == 152)
        #expect(rows.table == (try analysis.residuals()))
    }

    @Test func aWriteThatFailsWhileLaterRowsAreFormattedStopsCleanly() throws {
        // Thousands of rows in small chunks: many batches, each formatted while the one before is
        // handed on; the third hand-over fails, and the failure is what the caller sees.
        let rows = RowSource(header: ["i", "x"], count: 20_000) { r in [.integer(r), .number(Double(r) / 7)] }
        guard case let .chunks(produce) = CSVWriter.stream(rows, chunk: 256) else { Issue.record("not streamed"); return }
        struct Full: Error {}
        var handed = 0
        #expect(throws: Full.self) {
            try produce { _ in
                handed += 1
                if handed == 3 { throw Full() }
            }
        }
        #expect(handed == 3)
        // And all of it, when nothing fails: every row once, in order.
        var bytes: [UInt8] = []
        try produce { bytes += $0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 20_001)
        #expect(lines[1] == "0,0" && lines[20_000] == "19999,\(NumberFormat.roundTrip(19999.0 / 7))")
        #expect(lines.dropFirst().enumerated().allSatisfy { $0.element.hasPrefix("\($0.offset),") })
    }

    @Test func aStreamThatFailsLeavesNoFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-stream-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.csv").path
        struct Broken: Error {}
        let failing = OutputContent.chunks { emit in
            try emit(Array("a,b\n".utf8))
            throw Broken()
        }
        #expect(throws: Broken.self) { try OutputFiles.write(contents: [(target, failing)]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        // And one that succeeds is there whole.
        let fine = OutputContent.chunks { emit in for k in 0..<3 { try emit(Array("\(k)\n".utf8)) } }
        try OutputFiles.write(contents: [(target, fine)])
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "0\n1\n2\n")
    }
}
