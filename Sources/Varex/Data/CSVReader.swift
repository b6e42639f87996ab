/// An RFC 4180 reader over raw bytes: quoted fields with embedded commas, doubled quotes and
/// line breaks; CRLF, LF or CR line ends; UTF-8 with or without a byte-order mark.
///
/// Hand-written rather than taken from the machine's CSV packages: CSV.swift 2.5.2 accepts an
/// unterminated quote silently (it returns the rest of the file as one field) and neither it nor
/// SwiftCSV 0.10 reports the line a record starts on, which our error messages must name.
/// Reading the council file takes well under a millisecond, so speed did not decide it.
public struct CSVRecords: Sendable {
    /// The header's fields.
    public var header: [String]
    /// The data records, each the same length as the header.
    public var rows: [[String]]
    /// The physical line (1-based) on which each data record starts.
    public var lines: [Int]

    public init(header: [String], rows: [[String]], lines: [Int]) {
        self.header = header
        self.rows = rows
        self.lines = lines
    }
}

public enum CSVReader {
    /// Reads and parses the file at `path`. `displayName` is used in messages (defaults to `path`).
    public static func read(path: String, displayName: String? = nil) throws -> CSVRecords {
        let name = displayName ?? path
        let bytes = try FileBytes.read(path: path)
        return try parse(bytes, file: name)
    }

    /// Parses CSV bytes; `file` names the source in messages.
    public static func parse(_ input: [UInt8], file: String) throws -> CSVRecords {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let bad = UTF8Check.firstInvalidOffset(bytes) {
            let line = 1 + bytes[bytes.startIndex..<(bytes.startIndex + bad)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw DataError.invalidUTF8(CellLocation(file: file, line: line), byteOffset: bad + (input.count - bytes.count))
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw DataError.empty(path: file) }

        var records: [[String]] = []
        var starts: [Int] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var i = bytes.startIndex
        let end = bytes.endIndex
        var fieldWasQuoted = false

        func location(row: Int? = nil, column: Int) -> CellLocation {
            CellLocation(file: file, row: records.isEmpty ? nil : records.count, line: recordLine,
                         column: records.first.flatMap { column < $0.count ? $0[column] : "#\(column + 1)" } ?? "#\(column + 1)")
        }
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            // A blank line (one empty unquoted field) is skipped.
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(fields)
                starts.append(recordLine)
                if records.count & 0xFFFF == 0 { Progress.report("reading \(file): \(records.count - 1) rows") }
            }
            fields.removeAll(keepingCapacity: true)
        }

        while i < end {
            let c = bytes[i]
            if c == 0x22 { // quote
                guard field.isEmpty && !fieldWasQuoted else {
                    throw DataError.strayQuote(location(column: fields.count))
                }
                let openLine = line
                fieldWasQuoted = true
                i += 1
                var closed = false
                while i < end {
                    let q = bytes[i]
                    if q == 0x22 {
                        if i + 1 < end && bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    if q == 0x0A { line += 1 }
                    field.append(q)
                    i += 1
                }
                guard closed else {
                    recordLine = openLine
                    throw DataError.unterminatedQuote(location(column: fields.count))
                }
                // After a closing quote only a delimiter or a line end may follow.
                if i < end, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D {
                    throw DataError.strayQuote(location(column: fields.count))
                }
                continue
            }
            switch c {
            case 0x2C:
                endField()
                i += 1
            case 0x0D, 0x0A:
                endRecord()
                if c == 0x0D, i + 1 < end, bytes[i + 1] == 0x0A { i += 1 }
                i += 1
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted { throw DataError.strayQuote(location(column: fields.count)) }
                field.append(c)
                i += 1
            }
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }

        guard let header = records.first else { throw DataError.empty(path: file) }
        let names = header.map { SpreadsheetText.unprotect($0.trimmingSpaces) }
        for (k, n) in names.enumerated() where n.isEmpty {
            throw DataError.emptyColumnName(path: file, position: k + 1)
        }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw DataError.duplicateColumnName(path: file, name: n) }
        let data = Array(records.dropFirst())
        let lines = Array(starts.dropFirst())
        guard !data.isEmpty else { throw DataError.headerOnly(path: file) }
        for (r, rec) in data.enumerated() where rec.count != names.count {
            throw DataError.raggedRow(CellLocation(file: file, row: r + 1, line: lines[r]), expected: names.count, found: rec.count)
        }
        return CSVRecords(header: names, rows: data, lines: lines)
    }
}

extension String {
    /// The string without leading and trailing spaces (tabs kept: in a text cell they are content).
    public var trimmingBlanks: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// The string without leading and trailing spaces and tabs.
    public var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
