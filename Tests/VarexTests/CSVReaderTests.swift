import Testing
@testable import Varex
@testable import VarexAnalysis

struct CSVReaderTests {
    func parse(_ s: String) throws -> CSVRecords { try CSVReader.parse(Array(s.utf8), file: "t.csv") }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let r = try parse("name,note\r\n\"Bristol, City of\",\"said \"\"hi\"\"\"\r\n\"two\nlines\",x\r\n")
        #expect(r.header == ["name", "note"])
        #expect(r.rows == [["Bristol, City of", "said \"hi\""], ["two\nlines", "x"]])
        #expect(r.lines == [2, 3])
    }

    @Test func byteOrderMarkAndLineEnds() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\r\n3,4\r5,6".utf8)
        let r = try CSVReader.parse(bom, file: "t.csv")
        #expect(r.header == ["a", "b"])
        #expect(r.rows == [["1", "2"], ["3", "4"], ["5", "6"]])
    }

    @Test func blankLinesAreSkippedAndLinesCounted() throws {
        let r = try parse("a,b\n\n1,2\n\n3,4\n")
        #expect(r.rows.count == 2)
        #expect(r.lines == [3, 5])
    }

    @Test func errorsNameRowLineAndColumn() throws {
        #expect(throws: DataError.raggedRow(CellLocation(file: "t.csv", row: 2, line: 3), expected: 2, found: 3)) {
            try parse("a,b\n1,2\n3,4,5\n")
        }
        #expect(throws: DataError.unterminatedQuote(CellLocation(file: "t.csv", row: 1, line: 2, column: "b"))) {
            try parse("a,b\n1,\"open\n2,3\n")
        }
        #expect(throws: DataError.strayQuote(CellLocation(file: "t.csv", row: 1, line: 2, column: "a"))) {
            try parse("a,b\nx\"y,2\n")
        }
        #expect(throws: DataError.headerOnly(path: "t.csv")) { try parse("a,b\n") }
        #expect(throws: DataError.empty(path: "t.csv")) { try parse("") }
        #expect(throws: DataError.duplicateColumnName(path: "t.csv", name: "a")) { try parse("a,a\n1,2\n") }
        #expect(throws: DataError.invalidUTF8(CellLocation(file: "t.csv", line: 2), byteOffset: 6)) {
            try CSVReader.parse(Array("a,b\n1,".utf8) + [0xFF] + Array("\n".utf8), file: "t.csv")
        }
    }

    @Test func missingMarkersAndTypes() throws {
        let r = try parse("x,y,g\n1,NA,a\n..,2.5e1,b\n[c],:,a\n[LOW],NaN,\n3,4,c\n")
        let t = Table(records: r, source: "t.csv")
        let x = try t.column("x"), y = try t.column("y"), g = try t.column("g")
        #expect(x.kind == .numeric && y.kind == .numeric && g.kind == .text)
        #expect(x.isMissing == [false, true, true, true, false])
        #expect(y.isMissing == [true, false, true, true, false])
        #expect(Double(y.values[1]) == 25)
        #expect(g.levels == ["a", "b", "c"])
        #expect(throws: DataError.unknownColumn(path: "t.csv", name: "xx", suggestion: "x")) { try t.column("xx") }
    }

    @Test func numbersParseStrictly() {
        #expect(NumberParsing.parse("1e-3") == 0.001)
        #expect(NumberParsing.parse("-.5") == -0.5)
        #expect(NumberParsing.parse("Inf") == .infinity)
        #expect(NumberParsing.parse("0x10") == nil)
        #expect(NumberParsing.parse("1,234") == nil)
        #expect(NumberParsing.parse("12abc") == nil)
        #expect(NumberParsing.parse("e5") == nil)
    }
}
