import VarexLinearAlgebra

/// One column's cells from one chunk of a CSV file: values, missing flags and kept texts with
/// rows counted from the chunk's first record.
struct ColumnPiece {
    var values: [Extended] = []
    var missing: [Bool] = []
    var kept = TextDictionary()
    var firstText: Int? = nil
    var numericCount = 0

    @inline(__always)
    mutating func add(_ b: UnsafeBufferPointer<UInt8>, row: Int) {
        var reading = CellReading.fast(b)
        var cell: String? = nil
        if reading == nil {
            let text = SpreadsheetText.unprotect(String(decoding: b, as: UTF8.self))
            reading = CellReading.of(text)
            cell = text
        }
        switch reading! {
        case .missing:
            values.append(.nan)
            missing.append(true)
            kept.keep(cell ?? String(decoding: b, as: UTF8.self), row: row)
        case let .number(v, canonical):
            values.append(v)
            missing.append(false)
            numericCount += 1
            if !canonical { kept.keep(cell ?? String(decoding: b, as: UTF8.self), row: row) }
        case .text:
            values.append(.nan)
            missing.append(false)
            if firstText == nil { firstText = row }
            kept.keep(cell ?? String(decoding: b, as: UTF8.self), row: row)
        }
    }
}

/// What parsing one chunk found, with rows and lines counted from the chunk's start.
struct ChunkResult {
    /// The columns' pieces (empty when the chunk failed).
    var pieces: [ColumnPiece] = []
    /// The line (0-based from the chunk's first line) on which each record starts.
    var lines: [Int32] = []
    /// Line breaks the chunk contains (record ends, and line feeds inside quoted fields).
    var lineCount = 0
    /// The first record whose field count differs from the header's: record index, its line,
    /// the count.
    var ragged: (record: Int, line: Int, found: Int)? = nil
    /// A quote error: which, at which record (index), line and field.
    var quoteError: (unterminated: Bool, record: Int, line: Int, field: Int)? = nil
    /// The chunk ended inside a quoted field: its boundary was not a record boundary, which only
    /// malformed quoting causes; the caller rereads the file sequentially for the exact error.
    var endedInsideQuote = false
    /// Offset (from the chunk's start) of the first byte that breaks UTF-8.
    var invalidUTF8: Int? = nil
}

extension ChunkResult {
    /// The chunk's quote error as the sequential reader words it, for a chunk whose first record
    /// is data row `rowBase + 1` and starts on line `lineBase`; `header` is the header as written.
    func quoteFailure(file: String, header: [String], rowBase: Int, lineBase: Int) -> DataError? {
        guard let q = quoteError else { return nil }
        let location = CellLocation(file: file, row: rowBase + q.record + 1, line: lineBase + q.line,
                                    column: q.field < header.count ? header[q.field] : "#\(q.field + 1)")
        return q.unterminated ? DataError.unterminatedQuote(location) : DataError.strayQuote(location)
    }

    /// The chunk's first row of the wrong length, as the sequential reader words it.
    func raggedFailure(file: String, columns: Int, rowBase: Int, lineBase: Int) -> DataError? {
        guard let g = ragged else { return nil }
        return DataError.raggedRow(CellLocation(file: file, row: rowBase + g.record + 1, line: lineBase + g.line),
                                   expected: columns, found: g.found)
    }
}

/// Parses the records of one chunk of CSV bytes (RFC 4180, as ``CSVReader``) straight into
/// column pieces. The chunk starts at a record boundary, outside any quoted field.
struct CSVChunkParser {
    let columns: Int
    let progress: ProgressCounter?
    let file: String

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ChunkResult {
        var result = ChunkResult()
        if let bad = UTF8Check.firstInvalidOffset(bytes) { result.invalidUTF8 = bad; return result }
        var pieces = [ColumnPiece](repeating: ColumnPiece(), count: columns)
        // Quoted fields with doubled quotes are unescaped here; the pointer stays valid until the
        // next such field.
        var scratchCapacity = 256
        var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
        defer { scratch.deallocate() }
        var line = 0, recordLine = 0
        var field = 0          // index of the field being read in the record
        var records = 0
        var building = true    // false after a ragged record: only the syntax is still checked
        var i = 0
        let end = bytes.count

        @inline(__always) func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            guard let base = b.baseAddress else { return b }
            var s = 0, e = b.count
            while s < e, base[s] == 0x20 { s += 1 }
            while e > s, base[e - 1] == 0x20 { e -= 1 }
            return UnsafeBufferPointer(start: base + s, count: e - s)
        }
        func finishRecord(fields: Int) {
            if fields != columns {
                if result.ragged == nil { result.ragged = (records, recordLine, fields) }
                building = false
            }
            result.lines.append(Int32(truncatingIfNeeded: recordLine))
            records += 1
            if records & 0xFFFF == 0, let progress {
                let total = progress.add(0x10000)
                Progress.report("reading \(file): \(total) rows")
            }
        }

        while true {
            // One field, starting at i.
            var cell: UnsafeBufferPointer<UInt8>
            if i < end, bytes[i] == 0x22 {
                let openLine = line
                i += 1
                let start = i
                var doubled = false
                var closed = false
                while i < end {
                    let q = bytes[i]
                    if q == 0x22 {
                        if i + 1 < end && bytes[i + 1] == 0x22 { doubled = true; i += 2; continue }
                        closed = true
                        break
                    }
                    if q == 0x0A { line += 1 }
                    i += 1
                }
                guard closed else {
                    result.endedInsideQuote = true
                    result.quoteError = (true, records, openLine, field)
                    return result
                }
                if doubled {
                    if i - start > scratchCapacity {
                        scratch.deallocate()
                        scratchCapacity = i - start
                        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
                    }
                    var k = start, n = 0
                    while k < i {
                        scratch[n] = bytes[k]
                        n += 1
                        k += bytes[k] == 0x22 ? 2 : 1
                    }
                    cell = UnsafeBufferPointer(start: scratch, count: n)
                } else {
                    cell = UnsafeBufferPointer(rebasing: bytes[start..<i])
                }
                i += 1 // the closing quote
                // After a closing quote only a delimiter or a line end may follow.
                if i < end, bytes[i] != 0x2C, bytes[i] != 0x0A, bytes[i] != 0x0D {
                    result.quoteError = (false, records, recordLine, field)
                    return result
                }
            } else {
                let start = i
                while i < end {
                    let u = bytes[i]
                    if u == 0x2C || u == 0x0A || u == 0x0D { break }
                    if u == 0x22 {
                        result.quoteError = (false, records, recordLine, field)
                        return result
                    }
                    i += 1
                }
                cell = UnsafeBufferPointer(rebasing: bytes[start..<i])
                // Nothing left: the chunk (or file) ended after a line end.
                if i == end && field == 0 && cell.isEmpty { break }
            }
            if i < end, bytes[i] == 0x2C {
                if building && field < columns { pieces[field].add(trimmed(cell), row: records) }
                field += 1
                i += 1
                continue
            }
            // A line end or the end of the chunk closes the record; a lone empty field is a blank
            // line, skipped.
            if !(field == 0 && cell.isEmpty) {
                if building && field < columns { pieces[field].add(trimmed(cell), row: records) }
                finishRecord(fields: field + 1)
            }
            field = 0
            if i >= end { break }
            if bytes[i] == 0x0D, i + 1 < end, bytes[i + 1] == 0x0A { i += 1 }
            i += 1
            line += 1
            recordLine = line
        }
        result.lineCount = line
        if building { result.pieces = pieces }
        return result
    }
}
