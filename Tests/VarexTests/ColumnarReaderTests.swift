import Foundation
import PropertyBased
import Testing
@testable import Varex
import VarexLinearAlgebra

/// The columnar reader against the sequential one (``CSVReader`` then ``Table``), which every
/// other test of the data layer pins to fixtures: for any bytes, cut into any number of chunks,
/// the same table (names, lines, kinds, missing flags, values to the bit, cell texts) or the
/// same error message.
struct ColumnarReaderTests {
    static func sequential(_ bytes: [UInt8], file: String = "t.csv") -> Result<Table, DataError> {
        Result { Table(records: try CSVReader.parse(bytes, file: file), source: file) }.mapError { $0 as! DataError }
    }

    static func columnar(_ bytes: [UInt8], chunk: Int, file: String = "t.csv") -> Result<Table, DataError> {
        Result { try ColumnarCSVReader.parse(bytes, file: file, chunk: chunk) }.mapError { $0 as! DataError }
    }

    /// Where two tables differ, or nil.
    static func difference(_ a: Table, _ b: Table) -> String? {
        if a.names != b.names { return "names \(a.names) vs \(b.names)" }
        if a.lines != b.lines { return "lines \(a.lines) vs \(b.lines)" }
        for (x, y) in paired(a.columns, b.columns) {
            if x.kind != y.kind { return "\(x.name): kind" }
            if x.isMissing != y.isMissing { return "\(x.name): missing" }
            if x.firstNonNumericRow != y.firstNonNumericRow || x.numericCount != y.numericCount { return "\(x.name): counts" }
            for (u, v) in paired(x.values, y.values) where !(u == v && u.sign == v.sign) && !(u.isNaN && v.isNaN) {
                return "\(x.name): value \(u) vs \(v)"
            }
            if !Array(x.cells).elementsEqual(Array(y.cells)) { return "\(x.name): cells \(Array(x.cells)) vs \(Array(y.cells))" }
        }
        return nil
    }

    static func expectSame(_ bytes: [UInt8], chunk: Int, _ comment: Comment? = nil) {
        switch (sequential(bytes), columnar(bytes, chunk: chunk)) {
        case let (.success(a), .success(b)):
            let d = difference(a, b)
            #expect(d == nil, "\(d ?? "") for \(String(decoding: bytes, as: UTF8.self).debugDescription) chunk \(chunk)")
        case let (.failure(a), .failure(b)):
            #expect(a.description == b.description, "for \(String(decoding: bytes, as: UTF8.self).debugDescription) chunk \(chunk)")
        case let (a, b):
            Issue.record("sequential \(a) but columnar \(b) for \(String(decoding: bytes, as: UTF8.self).debugDescription) chunk \(chunk)")
        }
    }

    /// Random bytes biased towards CSV's hard parts, each read whole and in chunks of 1–16 bytes.
    @Test func randomBytesReadAsTheSequentialReaderReadsThem() async {
        await propertyCheck(count: 4000, input: RobustnessPropertyTests.csvByte.array(of: 0...160), Gen<Int>.int(in: 1...16)) { bytes, chunk in
            Self.expectSame(bytes, chunk: chunk)
            Self.expectSame(bytes, chunk: 1 << 30)
        }
    }

    /// Well-formed files of random cells (numbers in many spellings, missing markers, text,
    /// quoted fields with commas, quotes and line breaks), in many chunks.
    static let cell = Gen<String?>.element(of: [
        "1", "-0", "0", "12.5", "12.50", "0.1", ".5", "5.", "+3", "1e-05", "2.5E+3", "007", "-0.000123", "1.449474094874856",
        "-0.017466205655602213", "123456789012345678", "NA", "", "..", ":", "[x]", "[C]", " 4 ", "\t4", "abc", "E06000001",
        "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\" 7 \"", "'=1+1", "'-5", "Inf", "-inf", "é",
    ]).map { $0! }

    @Test func wellFormedFilesInManyChunks() async {
        let row = Self.cell.array(of: 3...3).map { $0.joined(separator: ",") }
        await propertyCheck(count: 1500, input: row.array(of: 1...30), Gen<Int>.int(in: 1...40),
                            Gen<String?>.element(of: ["\n", "\r\n", "\r"]).map { $0! }) { rows, chunk, end in
            let text = "a,b,c" + end + rows.joined(separator: end) + (chunk % 2 == 0 ? end : "")
            Self.expectSame(Array(text.utf8), chunk: chunk)
        }
    }

    /// Quoted line breaks and commas do not stop the parallel read: each cut lands on a record
    /// boundary, found from the quotes before it.
    @Test func quotedLineBreaksAreCutAtRecordBoundaries() throws {
        let rows = (1...200).map { "\($0),\"line one\nline \"\"two\"\", and more\",\($0 % 7)" }
        let text = "id,note,k\n" + rows.joined(separator: "\n") + "\n"
        for chunk in [5, 16, 100, 333] {
            let (table, chunks) = try ColumnarCSVReader.parseCounting(Array(text.utf8), file: "t.csv", chunk: chunk)
            #expect(chunks > 4, "chunk \(chunk): \(chunks) chunks")
            #expect(Self.difference(table, try Self.sequential(Array(text.utf8)).get()) == nil)
        }
    }

    /// Every error the reader gives, placed in a later chunk than the first.
    @Test func errorsInLaterChunksAreTheSequentialReadersErrors() {
        let good = (1...40).map { "\($0),x\($0),\(Double($0) / 4)" }.joined(separator: "\n")
        let cases = [
            "a,b,c\n" + good + "\n41,\"open,1\n42,y,2\n",          // unterminated quote
            "a,b,c\n" + good + "\n41,ab\"c,1\n42,y,2\n",           // stray quote in a field
            "a,b,c\n" + good + "\n41,\"ab\"c,1\n42,y,2\n",         // text after a closing quote
            "a,b,c\n" + good + "\n41,y\n42,y,2\n",                 // too few fields
            "a,b,c\n" + good + "\n41,y,2,3\n42,\"y\",2\n",         // too many
            "a,b,c\n" + good + "\n41,y\n42,\"q,2\n",               // a short row, then an unterminated quote
            "a,b,a\n" + good + "\n",                               // a repeated name
            "a,,c\n" + good + "\n",                                // an empty name
            "a,\"b\nc\",d\n" + good + "\n",                         // a quoted header over two lines
            // A header whose quoted field spans two lines, then a quote on line 2 never closed
            // (found by the fuzzer: the columnar reader named line 1, the record's first).
            "1,,\"open\nl\",eoo,\"" + good + "\n",
        ]
        for text in cases {
            for chunk in [1, 7, 64, 1 << 30] { Self.expectSame(Array(text.utf8), chunk: chunk) }
        }
        var bytes = Array(("a,b,c\n" + good + "\n").utf8)
        bytes.insert(0xFF, at: bytes.count - 30)
        for chunk in [1, 7, 64] { Self.expectSame(bytes, chunk: chunk) }
        #expect(throws: DataError.self) { try ColumnarCSVReader.parse(bytes, file: "t.csv", chunk: 7) }
    }

    /// A number written canonically (at most 17 significant digits, no exponent, no sign but
    /// minus, no leading or trailing zeros) is rebuilt exactly from its value; the value is the
    /// correctly rounded one that `strtold` gives.
    @Test func canonicalNumbersRoundTrip() async {
        let digits = Gen<Int>.int(in: 0...9).array(of: 1...17)
        await propertyCheck(count: 20000, input: digits, Gen<Int>.int(in: -20...17), Gen<Bool>.bool) { ds, place, negative in
            var ds = ds
            let point = min(place, ds.count)
            if ds.first == 0 { ds[0] = 1 }
            while ds.count > 1 && ds.last == 0 && point < ds.count { ds.removeLast() }
            let all = ds.map(String.init).joined()
            let body: String
            if point <= 0 { body = "0." + String(repeating: "0", count: -point) + all }
            else if point >= all.count { body = all + String(repeating: "0", count: point - all.count) }
            else { body = String(all.prefix(point)) + "." + String(all.dropFirst(point)) }
            let text = (negative ? "-" : "") + body
            var copy = text
            let parsed = copy.withUTF8 { DecimalText.parse($0) }
            let fractionDigits = body.split(separator: ".").dropFirst().first?.count ?? 0
            guard let parsed else {
                // Only a power of ten beyond 10^±27 is left to the general parser.
                #expect(fractionDigits > 27, "\(text)")
                return
            }
            #expect(parsed.value == Extended(text), "\(text)")
            #expect(parsed.canonical == (ds.count <= 17), "\(text)")
            if parsed.canonical { #expect(DecimalText.canonicalText(parsed.value) == text, "\(text)") }
        }
    }

    /// Long runs of digits, read eight at a time: the value `strtold` gives for up to 19
    /// significant digits (leading zeros not counted), the general parser beyond.
    @Test func longDigitRunsAreReadExactly() async {
        let digits = Gen<Int>.int(in: 0...9).array(of: 1...40)
        await propertyCheck(count: 20000, input: digits, Gen<Int>.int(in: 0...24), Gen<Int>.int(in: 0...12)) { ds, point, zeros in
            let all = ds.map(String.init).joined()
            let p = min(point, all.count)
            // Some leading zeros after the point, or before the digits.
            let text = p == 0 ? "0." + String(repeating: "0", count: zeros) + all
                              : String(repeating: "0", count: zeros % 3) + String(all.prefix(p)) + "." + String(all.dropFirst(p))
            var copy = text
            let parsed = copy.withUTF8 { DecimalText.parse($0) }
            let significant = all.drop { $0 == "0" }.count
            guard let parsed else {
                #expect(significant > 19 || all.count - p + (p == 0 ? zeros : 0) > 27, "\(text)")
                return
            }
            #expect(significant <= 19, "\(text)")
            #expect(parsed.value == Extended(text), "\(text)")
            if significant > 17 { #expect(!parsed.canonical, "\(text)") }
        }
        for text in ["12345678", "1234567890123456789", "0.0000000012345678", "00000000.5", "99999999.99999999", "1234567a"] {
            var copy = text
            let parsed = copy.withUTF8 { DecimalText.parse($0) }
            #expect(parsed?.value == Extended(text), "\(text)")
        }
    }

    /// Python's shortest round-trip spellings of doubles (as the benchmark's file holds them) are
    /// canonical or kept; either way the cell reads back as written.
    @Test func pythonSpellingsReadBack() {
        let texts = ["1.449474094874856", "-1.4403604212435517", "-0.017466205655602213", "1e-05", "1.2e-07", "123456.0",
                     "-9.665116237982126", "0.1", "5e+16", "1234567890123456.8"]
        let table = try! ColumnarCSVReader.parse(Array(("x\n" + texts.joined(separator: "\n") + "\n").utf8), file: "t.csv")
        let column = try! table.column("x")
        #expect(Array(column.cells) == texts)
        for (k, t) in texts.enumerated() { #expect(column.values[k] == Extended(t)!) }
    }

    /// gzip input: the same table as the plain file; concatenated members; a truncated file is a
    /// message naming it.
    @Test func gzipInputIsReadDirectly() throws {
        let plain = Fixtures.path("councils/asc_2018_19.csv")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-gz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = Fixtures.path("councils/asc_2018_19.csv.gz")
        let a = try Table(contentsOf: plain), b = try Table(contentsOf: gz)
        #expect(Self.difference(a, b) == nil)
        // Two members: the header and first half, then the rest.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: gz)))
        let doubled = dir.appendingPathComponent("twice.csv.gz").path
        try Data(bytes + bytes).write(to: URL(fileURLWithPath: doubled))
        let twice = try Table(contentsOf: doubled)
        #expect(twice.rowCount == 2 * a.rowCount + 1) // the second header is a data row
        let truncated = dir.appendingPathComponent("cut.csv.gz").path
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: DataError.unreadable(path: truncated, reason: "the gzip data ends early; the file is truncated")) {
            try Table(contentsOf: truncated)
        }
        var corrupt = bytes
        corrupt[corrupt.count / 2] ^= 0xFF
        corrupt[corrupt.count / 2 + 1] ^= 0xFF
        let bad = dir.appendingPathComponent("bad.csv.gz").path
        try Data(corrupt).write(to: URL(fileURLWithPath: bad))
        #expect(throws: DataError.self) { try Table(contentsOf: bad) }
    }
}
