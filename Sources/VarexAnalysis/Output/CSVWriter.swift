import Dispatch
import Varex
/// Writes an ``OutputTable`` as CSV: RFC 4180 quoting, numbers with round-trip precision,
/// empty cells for missing values, and text that a spreadsheet could run as a formula
/// (beginning with `=`, `+`, `-`, `@`, tab or carriage return, and not a number) prefixed with
/// `'`, which Varex's reader removes again (``SpreadsheetText``).
public enum CSVWriter {
    /// How lines end and whether a byte-order mark leads.
    public enum Dialect: String, Sendable, CaseIterable {
        /// RFC 4180 fields with LF line ends, no byte-order mark (the default).
        case rfc4180
        /// What Excel reads correctly: a UTF-8 byte-order mark and CRLF line ends.
        case excel
    }

    public static func render(_ table: OutputTable, dialect: Dialect = .rfc4180) -> String {
        var bytes = Array(start(header: table.header, dialect: dialect).utf8)
        bytes.reserveCapacity(table.rows.count * table.header.count * 12)
        for row in table.rows { appendLine(row, dialect: dialect, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The rows of `source` as CSV, made and handed on about `chunk` bytes at a time: the same
    /// bytes as ``render(_:dialect:)`` of its table, never the whole text at once. Blocks of rows
    /// are formatted on every core (formatting numbers is most of the work) while the blocks
    /// before them are handed on, in order: writing 700 MB to a file is a second of system time
    /// that would otherwise leave the formatters idle.
    public static func stream(_ source: RowSource, dialect: Dialect = .rfc4180, chunk: Int = 1 << 20) -> OutputContent {
        .chunks { emit in
            // Rows per block: about `chunk` bytes at ~20 bytes a cell; eight blocks a batch.
            let block = max(1, chunk / max(20 * source.header.count, 1))
            let batchRows = 8 * block
            @Sendable func format(_ first: Int) -> [[UInt8]] {
                let blocks = min(8, (source.count - first + block - 1) / block)
                var texts = [[UInt8]](repeating: [], count: max(blocks, 0))
                texts.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let slots = out
                    DispatchQueue.concurrentPerform(iterations: blocks) { b in
                        let lo = first + b * block, hi = min(source.count, lo + block)
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(chunk + chunk / 4)
                        for r in lo..<hi { appendLine(source.row(r), dialect: dialect, to: &bytes) }
                        slots[b] = bytes
                    }
                }
                return texts
            }
            var current = Array(start(header: source.header, dialect: dialect).utf8)
            var texts = format(0)
            var first = 0
            while true {
                // The next batch is formatted while this one is handed on.
                first += batchRows
                let next = FormattedBatch()
                let group = DispatchGroup()
                if first < source.count {
                    let from = first
                    DispatchQueue.global().async(group: group) { next.texts = format(from) }
                }
                do {
                    for t in texts {
                        current += t
                        if current.count >= chunk {
                            try emit(current)
                            current.removeAll(keepingCapacity: true)
                        }
                    }
                } catch {
                    group.wait()
                    throw error
                }
                group.wait()
                guard first < source.count else { break }
                texts = next.texts
            }
            try emit(current)
        }
    }

    /// A batch of formatted blocks, filled on another thread.
    private final class FormattedBatch: @unchecked Sendable {
        var texts: [[UInt8]] = []
    }

    /// The byte-order mark (Excel) and the header line.
    static func start(header: [String], dialect: Dialect) -> String {
        (dialect == .excel ? "\u{FEFF}" : "") + line(header.map { .text($0) }, dialect: dialect)
    }

    /// One row's line, with its end (for writers that make their rows one at a time).
    public static func line(_ row: [Cell], dialect: Dialect) -> String {
        var bytes: [UInt8] = []
        appendLine(row, dialect: dialect, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one row's line, with its end, to `bytes`: the writer's one encoding of a row,
    /// made without a string per cell (numbers go straight from the value to the bytes).
    public static func appendLine(_ row: [Cell], dialect: Dialect, to bytes: inout [UInt8]) {
        for k in row.indices {
            if k > 0 { bytes.append(UInt8(ascii: ",")) }
            append(row[k], to: &bytes)
        }
        if dialect == .excel { bytes.append(UInt8(ascii: "\r")) }
        bytes.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    static func append(_ cell: Cell, to bytes: inout [UInt8]) {
        switch cell {
        case let .number(x): if x.isFinite { NumberFormat.appendRoundTrip(x, to: &bytes) }
        case let .integer(i): NumberFormat.appendInteger(i, to: &bytes)
        case let .text(s): appendText(s, to: &bytes)
        case let .bool(b): bytes.append(contentsOf: (b ? "TRUE" : "FALSE").utf8)
        case .empty: break
        }
    }

    /// A text cell: as it is when nothing in it needs the apostrophe or quotes (the common case,
    /// decided on its bytes), otherwise through ``neutralise(_:)`` and ``quote(_:)``.
    @inline(__always)
    static func appendText(_ s: String, to bytes: inout [UInt8]) {
        let u = s.utf8
        let special: Bool
        switch u.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"),
             UInt8(ascii: "'"):
            special = true
        default:
            // UTF-8 never uses these bytes inside a multi-byte character.
            special = u.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        }
        if special { bytes.append(contentsOf: quote(neutralise(s)).utf8) } else { bytes.append(contentsOf: u) }
    }

    /// Prefixes formula-like text with an apostrophe so spreadsheets show it as text (the rule
    /// of ``SpreadsheetText``, which the reader inverts).
    public static func neutralise(_ s: String) -> String { SpreadsheetText.protect(s) }

    static func quote(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }
}
