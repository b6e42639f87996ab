/// A CSV file read a block of rows at a time, for files larger than memory (`fit --stream`):
/// each block is a ``Table`` of the rows in about `blockBytes` of the file, with the file's
/// lines and row numbers, parsed by the columnar reader's chunk parser under the same rules. A
/// file's errors are the whole-file reader's, met in order: a block's bad row is named by its
/// row and line in the file. Column types are per block; a caller that needs one type per
/// column checks each block.
public struct CSVBlockReader {
    let source: ByteStream
    let file: String
    /// Bytes of the file each block reads (the last block's record may take it a little over).
    public var blockBytes: Int {
        didSet { blockBytes = max(blockBytes, 1) }
    }
    /// The file's column names.
    let fileNames: [String]
    /// Files joined onto every block, in turn (`--join`).
    public var joins: [BlockJoin] = []
    /// The column names of each block: the file's, then each joined file's new ones.
    public var names: [String] {
        var out = fileNames
        for j in joins { out += j.table.names.filter { $0 != j.key && !out.contains($0) } }
        return out
    }
    private let rawHeader: [String]
    /// Bytes read but not yet parsed; they start at a record boundary.
    private var carry: [UInt8] = []
    private var atEnd = false
    private var rowBase = 0, lineBase: Int, byteBase: Int
    /// Number of blocks read so far.
    public private(set) var blocks = 0
    /// The mean bytes of CSV text per row of the blocks read so far (1 before any).
    public var bytesPerRow: Double { rowBase > 0 ? Double(byteBase) / Double(rowBase) : 1 }

    /// Opens `path` (`-` for standard input; gzip data decompressed as it comes) and reads its header.
    public init(path: String, displayName: String? = nil, blockBytes: Int = 16 << 20) throws {
        let file = displayName ?? path
        self.file = file
        source = try ByteStream(path: path)
        self.blockBytes = max(blockBytes, 1)
        var buffer: [UInt8] = []
        var header: HeaderRecord? = nil
        var more = true
        while true {
            more = try source.read(self.blockBytes, into: &buffer)
            let bom = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            let found = try buffer.withUnsafeBufferPointer { try HeaderRecord(UnsafeBufferPointer(rebasing: $0[bom...]), file: file) }
            // A header that reaches the end of what was read may go on: read more first.
            if let h = found, h.end + bom < buffer.count || !more {
                header = h
                carry = Array(buffer[(h.end + bom)...])
                byteBase = h.end + bom
                lineBase = h.nextLine
                if let bad = UTF8Check.firstInvalidOffset(buffer[bom..<(h.end + bom)]) {
                    throw DataError.invalidUTF8(CellLocation(file: file, line: 1 + buffer[..<(bom + bad)].filter { $0 == 0x0A }.count),
                                                byteOffset: bom + bad)
                }
                break
            }
            if !more { throw DataError.empty(path: file) }
        }
        atEnd = !more
        rawHeader = header!.fields
        fileNames = try header!.checkedNames(file: file)
    }

    /// The same reader with `joins` applied to every block.
    public func joining(_ joins: [BlockJoin]) -> CSVBlockReader {
        var r = self
        r.joins = joins
        return r
    }

    /// The next block of rows, or nil after the last.
    public mutating func next() throws -> Table? {
        while !atEnd && carry.count < blockBytes {
            if !(try source.read(blockBytes, into: &carry)) { atEnd = true }
        }
        if carry.isEmpty {
            if blocks == 0 && rowBase == 0 { throw DataError.headerOnly(path: file) }
            return nil
        }
        // The block ends after the last line end outside quotes (a carriage return last of all
        // may be half of CR LF: it waits for the next read).
        var cut = carry.count
        if !atEnd {
            var inside = false
            var last = -1
            for i in carry.indices {
                let c = carry[i]
                if c == 0x22 { inside.toggle() } else if !inside && (c == 0x0A || (c == 0x0D && i + 1 < carry.count)) {
                    last = c == 0x0D && carry[i + 1] == 0x0A ? i + 1 : i
                }
            }
            guard last >= 0 else {
                // No record ends in this much of the file: read on.
                if !(try source.read(blockBytes, into: &carry)) { atEnd = true }
                return try next()
            }
            cut = last + 1
        }
        let parser = CSVChunkParser(columns: fileNames.count, progress: nil, file: file)
        var result = carry.withUnsafeBufferPointer { parser.parse(UnsafeBufferPointer(rebasing: $0[..<cut])) }
        if let bad = result.invalidUTF8 {
            let line = lineBase + carry[..<bad].filter { $0 == 0x0A }.count
            throw DataError.invalidUTF8(CellLocation(file: file, line: line), byteOffset: byteBase + bad)
        }
        if let failure = result.quoteFailure(file: file, header: rawHeader, rowBase: rowBase, lineBase: lineBase) { throw failure }
        if let failure = result.raggedFailure(file: file, columns: fileNames.count, rowBase: rowBase, lineBase: lineBase) { throw failure }
        let count = result.lines.count
        var results = [result]
        result = ChunkResult()
        let columns = ColumnarCSVReader.joinColumns(&results, rowStarts: [0], names: fileNames, rowCount: count)
        var table = Table(source: file, columns: columns, lines: results[0].lines.map { lineBase + Int($0) })
        table.firstRow = rowBase
        rowBase += count
        lineBase += results[0].lineCount
        byteBase += cut
        carry.removeFirst(cut)
        blocks += 1
        if count == 0 { return try next() }
        for j in joins { table = try j.apply(to: table) }
        return table
    }
}

/// A small file joined onto every block of a file read in blocks, by a key column (a left join,
/// as `--join` in memory), and what the joins found over every block read: the report is the
/// whole file's, whichever pass made it. One reader uses it at a time.
public final class BlockJoin: @unchecked Sendable {
    public let table: Table
    public let key: String
    let manyToOne: Bool
    private var seen = Set<String>()
    private var onlyInLeft: [String] = []
    private var onlyInLeftSet = Set<String>()
    private var skipped: [String] = []

    public init(table: Table, key: String, manyToOne: Bool = false) {
        self.table = table
        self.key = key
        self.manyToOne = manyToOne
    }

    func apply(to block: Table) throws -> Table {
        let (joined, report) = try block.joined(with: table, on: key, manyToOne: manyToOne)
        for id in try block.column(key).cells { seen.insert(id) }
        for id in report.onlyInLeft where onlyInLeftSet.insert(id).inserted { onlyInLeft.append(id) }
        skipped = report.skippedColumns
        return joined
    }

    /// What the join found in the blocks read so far.
    public var report: JoinReport {
        let right = (try? table.column(key).cells).map(Array.init) ?? []
        return JoinReport(file: table.source, onlyInLeft: onlyInLeft, onlyInRight: right.filter { !seen.contains($0) }, skippedColumns: skipped)
    }
}
