#if canImport(Dispatch)
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
#endif
import VarexLinearAlgebra

/// Reads a CSV file straight into typed columns, in parallel over chunks of the file, with the
/// dialect, missing markers, type rules and messages of ``CSVReader`` and ``Table``.
///
/// Ours rather than a package's: SwiftCSV and CSV.swift build a string per cell (``CSVReader``
/// gives their other faults); reading 1,000,000 rows × 23 columns (428 MB) took 29 s through
/// strings; `varex fit` of `y ~ 1` on that file (the read, the frame and the fit) now takes
/// 2.6 s on two cores (R's `fread` alone, 1.7 s; `benchmarks/RESULTS.md`, case e).
///
/// How: after the header, the bytes are cut into chunks; each chunk's quote characters are
/// counted in parallel, so the quote state at every cut is known, and each cut moves forward
/// to the next line end outside quotes. Each chunk is then validated as UTF-8 and parsed on its
/// own thread into column pieces, which are joined in file order. Any sign of malformed quoting
/// (a chunk ending inside a quoted field) hands the file to the sequential reader, whose message
/// is then exactly the one it always gave.
public enum ColumnarCSVReader {
    /// Chunks are at least this many bytes.
    static let minimumChunk = 4 << 20

    /// Reads the file at `path` (`-` for standard input; gzip-compressed input is recognised by
    /// its first bytes and decompressed). `displayName` is used in messages.
    public static func read(path: String, displayName: String? = nil) throws -> Table {
        let name = displayName ?? path
        // The size is checked before the file is read, and a gzip file's again by the size its
        // trailer records, before it is decompressed.
        var info = stat()
        if path != "-", stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { try MemoryBudget.check(path: name, textBytes: Int(info.st_size)) }
        let raw = try FileBytes.read(path: path)
        guard Gzip.isCompressed(raw) else { return try parse(raw, file: name) }
        try MemoryBudget.check(path: name, textBytes: Gzip.recordedSize(raw))
        return try parse(try Gzip.decompress(raw, path: path), file: name)
    }

    /// Parses CSV bytes into a table; `file` names the source in messages.
    public static func parse(_ input: [UInt8], file: String) throws -> Table {
        try parse(input, file: file, chunk: minimumChunk)
    }

    /// Parses with chunks of at least `chunk` bytes (tests cut small files into many chunks).
    static func parse(_ input: [UInt8], file: String, chunk: Int) throws -> Table {
        try parseCounting(input, file: file, chunk: chunk).table
    }

    /// The table, with how many chunks were parsed in parallel (0 when the file was handed to
    /// the sequential reader).
    static func parseCounting(_ input: [UInt8], file: String, chunk: Int) throws -> (table: Table, chunks: Int) {
        try input.withUnsafeBufferPointer { whole in
            try parse(whole, file: file, original: input, chunk: chunk)
        }
    }

    static func parse(_ whole: UnsafeBufferPointer<UInt8>, file: String, original: [UInt8], chunk: Int) throws -> (table: Table, chunks: Int) {
        let bom = whole.count >= 3 && whole[0] == 0xEF && whole[1] == 0xBB && whole[2] == 0xBF ? 3 : 0
        let bytes = UnsafeBufferPointer(rebasing: whole[bom...])
        func invalidUTF8(at offset: Int) -> DataError {
            var line = 1
            for k in 0..<offset where bytes[k] == 0x0A { line += 1 }
            return DataError.invalidUTF8(CellLocation(file: file, line: line), byteOffset: offset + bom)
        }
        func sequential() throws -> (table: Table, chunks: Int) {
            (Table(records: try CSVReader.parse(original, file: file), source: file), 0)
        }

        // The header: the first record that is not a blank line.
        let found: HeaderRecord?
        do {
            found = try HeaderRecord(bytes, file: file)
        } catch {
            if let bad = UTF8Check.firstInvalidOffset(bytes) { throw invalidUTF8(at: bad) }
            throw error
        }
        guard let header = found else {
            if let bad = UTF8Check.firstInvalidOffset(bytes) { throw invalidUTF8(at: bad) }
            throw DataError.empty(path: file)
        }
        if let bad = UTF8Check.firstInvalidOffset(UnsafeBufferPointer(rebasing: bytes[..<header.end])) { throw invalidUTF8(at: bad) }
        let columns = header.fields.count

        // Chunks of the data, cut at record boundaries.
        let data = UnsafeBufferPointer(rebasing: bytes[header.end...])
        let cuts = chunkStarts(data, chunk: chunk)
        let progress = Progress.sink == nil ? nil : ProgressCounter()
        let parser = CSVChunkParser(columns: columns, progress: progress, file: file)
        var results = [ChunkResult](repeating: ChunkResult(), count: cuts.count - 1)
        if results.count == 1 {
            results[0] = parser.parse(UnsafeBufferPointer(rebasing: data[cuts[0]..<cuts[1]]))
        } else {
            results.withUnsafeMutableBufferPointer { out in
                let slots = out
                DispatchQueue.concurrentPerform(iterations: slots.count) { k in
                    slots[k] = parser.parse(UnsafeBufferPointer(rebasing: data[cuts[k]..<cuts[k + 1]]))
                }
            }
        }

        // Errors in the order the sequential reader meets them: bytes that are not UTF-8, then
        // quoting, then the header's names, then no data, then a row of the wrong length.
        for (k, r) in results.enumerated() {
            if let bad = r.invalidUTF8 { throw invalidUTF8(at: header.end + cuts[k] + bad) }
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw DataError.empty(path: file) }
        var rowBase = 0, lineBase = header.nextLine
        var rowStarts: [Int] = [], lineStarts: [Int] = []
        for r in results {
            if r.endedInsideQuote { return try sequential() }
            if let failure = r.quoteFailure(file: file, header: header.fields, rowBase: rowBase, lineBase: lineBase) { throw failure }
            rowStarts.append(rowBase)
            lineStarts.append(lineBase)
            rowBase += r.lines.count
            lineBase += r.lineCount
        }
        let names = try header.checkedNames(file: file)
        guard rowBase > 0 else { throw DataError.headerOnly(path: file) }
        guard rowBase < Int(Int32.max) else {
            throw DataError.unreadable(path: file, reason: "it has \(rowBase) rows, more than \(Int32.max) fit in memory; read it in blocks (varex fit's stream setting)")
        }
        for (k, r) in results.enumerated() {
            if let failure = r.raggedFailure(file: file, columns: columns, rowBase: rowStarts[k], lineBase: lineStarts[k]) { throw failure }
        }

        // Join the pieces in file order, one column at a time, freeing each chunk's piece as it goes.
        var lines = [Int]()
        lines.reserveCapacity(rowBase)
        for (k, r) in results.enumerated() { lines.append(contentsOf: r.lines.lazy.map { lineStarts[k] + Int($0) }) }
        let table = joinColumns(&results, rowStarts: rowStarts, names: names, rowCount: rowBase)
        return (Table(source: file, columns: table, lines: lines), results.count)
    }

    /// The columns of parsed chunks, joined in order, columns on every core (each chunk's pieces
    /// are freed as they go).
    static func joinColumns(_ results: inout [ChunkResult], rowStarts: [Int], names: [String], rowCount: Int) -> [Column] {
        // The pieces by column, then chunk, moved out of the results.
        let chunks = results.count
        var pieces = [ColumnPiece]()
        pieces.reserveCapacity(names.count * chunks)
        for j in names.indices { for k in 0..<chunks { pieces.append(results[k].pieces[j]) } }
        for k in 0..<chunks { results[k].pieces = [] }
        var table = [Column?](repeating: nil, count: names.count)
        pieces.withUnsafeMutableBufferPointer { pb in
            table.withUnsafeMutableBufferPointer { tb in
                nonisolated(unsafe) let (pieces, out) = (pb, tb)
                DispatchQueue.concurrentPerform(iterations: names.count) { j in
                    var values = [Extended]()
                    values.reserveCapacity(rowCount)
                    var missing = [Bool]()
                    missing.reserveCapacity(rowCount)
                    var kept = TextDictionary()
                    var firstText: Int? = nil
                    var numeric = 0
                    for k in 0..<chunks {
                        let piece = pieces[j * chunks + k]
                        pieces[j * chunks + k] = ColumnPiece()
                        values.append(contentsOf: piece.values)
                        missing.append(contentsOf: piece.missing)
                        let recode = piece.kept.dictionary.map { kept.code($0) }
                        for (m, row) in piece.kept.rows.enumerated() {
                            kept.keep(code: recode[Int(piece.kept.codes[m])], row: rowStarts[k] + Int(row))
                        }
                        if firstText == nil, let f = piece.firstText { firstText = rowStarts[k] + f }
                        numeric += piece.numericCount
                    }
                    out[j] = Column(name: names[j], isMissing: missing, values: values, texts: kept.texts(count: rowCount),
                                    firstNonNumericRow: firstText, numericCount: numeric)
                }
            }
        }
        return table.map { $0! }
    }

    /// Where each chunk of `data` starts (and, last, its end): cuts every `chunk` bytes
    /// or so, each moved forward past the next line end outside quotes. The quote state at a cut
    /// is the parity of the quotes before it, counted in parallel.
    static func chunkStarts(_ data: UnsafeBufferPointer<UInt8>, chunk: Int) -> [Int] {
        let n = data.count
        let pieces = max(1, min(64, n / max(chunk, 1)))
        guard pieces > 1 else { return [0, n] }
        let size = n / pieces
        var quotes = [Int](repeating: 0, count: pieces)
        quotes.withUnsafeMutableBufferPointer { out in
            let slots = out
            DispatchQueue.concurrentPerform(iterations: pieces) { k in
                let lo = k * size, hi = k == pieces - 1 ? n : (k + 1) * size
                var count = 0
                for i in lo..<hi where data[i] == 0x22 { count += 1 }
                slots[k] = count
            }
        }
        var starts = [0]
        var before = 0
        for k in 1..<pieces {
            before += quotes[k - 1]
            var inside = before % 2 == 1
            var i = k * size
            while i < n {
                let c = data[i]
                if c == 0x22 { inside.toggle() } else if !inside && (c == 0x0A || c == 0x0D) {
                    if c == 0x0D, i + 1 < n, data[i + 1] == 0x0A { i += 1 }
                    i += 1
                    break
                }
                i += 1
            }
            if i > starts.last! && i < n { starts.append(i) }
        }
        starts.append(n)
        return starts
    }
}

/// The header record: its fields as written, where the data starts, and the data's first line.
struct HeaderRecord {
    let fields: [String]
    /// Offset of the byte after the header's line end.
    let end: Int
    /// The 1-based line on which the data starts.
    let nextLine: Int

    /// Reads the first record that is not a blank line; nil if there is none. Quote errors are
    /// thrown as ``CSVReader`` throws them (no row; the column by position).
    init?(_ b: UnsafeBufferPointer<UInt8>, file: String) throws {
        var i = 0, line = 1
        let n = b.count
        while true {
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            let recordLine = line
            func location(_ l: Int) -> CellLocation { CellLocation(file: file, row: nil, line: l, column: "#\(fields.count + 1)") }
            while i < n {
                let c = b[i]
                if c == 0x22 {
                    guard field.isEmpty && !quoted else { throw DataError.strayQuote(location(recordLine)) }
                    quoted = true
                    i += 1
                    // An unclosed quote is named by the line it opens on, as the sequential reader names it.
                    let openLine = line
                    var closed = false
                    while i < n {
                        if b[i] == 0x22 {
                            if i + 1 < n && b[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                            closed = true; i += 1; break
                        }
                        if b[i] == 0x0A { line += 1 }
                        field.append(b[i]); i += 1
                    }
                    guard closed else { throw DataError.unterminatedQuote(location(openLine)) }
                    if i < n, b[i] != 0x2C, b[i] != 0x0A, b[i] != 0x0D { throw DataError.strayQuote(location(recordLine)) }
                    continue
                }
                if c == 0x2C {
                    fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(); quoted = false; i += 1
                    continue
                }
                if c == 0x0A || c == 0x0D { break }
                if quoted { throw DataError.strayQuote(location(recordLine)) }
                field.append(c); i += 1
            }
            let atEnd = i >= n
            fields.append(String(decoding: field, as: UTF8.self))
            if !atEnd {
                if b[i] == 0x0D, i + 1 < n, b[i + 1] == 0x0A { i += 1 }
                i += 1
                line += 1
            }
            if !(fields.count == 1 && fields[0].isEmpty) {
                self.fields = fields
                self.end = i
                self.nextLine = line
                return
            }
            if atEnd { return nil }
        }
    }

    /// The column names (trimmed, without a writer's apostrophe), checked as ``CSVReader`` does.
    func checkedNames(file: String) throws -> [String] {
        let names = fields.map { SpreadsheetText.unprotect($0.trimmingSpaces) }
        for (k, n) in names.enumerated() where n.isEmpty { throw DataError.emptyColumnName(path: file, position: k + 1) }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted { throw DataError.duplicateColumnName(path: file, name: n) }
        return names
    }
}
