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
        var out = start(header: table.header, dialect: dialect)
        out.reserveCapacity(table.rows.count * table.header.count * 12)
        for row in table.rows { out += line(row, dialect: dialect) }
        return out
    }

    /// The rows of `source` as CSV, made and handed on about a megabyte at a time: the same bytes
    /// as ``render(_:dialect:)`` of its table, never the whole text at once.
    public static func stream(_ source: RowSource, dialect: Dialect = .rfc4180, chunk: Int = 1 << 20) -> OutputContent {
        .chunks { emit in
            var out = start(header: source.header, dialect: dialect)
            for r in 0..<source.count {
                out += line(source.row(r), dialect: dialect)
                if out.utf8.count >= chunk {
                    try emit(Array(out.utf8))
                    out = ""
                }
            }
            try emit(Array(out.utf8))
        }
    }

    /// The byte-order mark (Excel) and the header line.
    static func start(header: [String], dialect: Dialect) -> String {
        (dialect == .excel ? "\u{FEFF}" : "") + line(header.map { .text($0) }, dialect: dialect)
    }

    /// One row's line, with its end.
    static func line(_ row: [Cell], dialect: Dialect) -> String {
        row.map(text).joined(separator: ",") + (dialect == .excel ? "\r\n" : "\n")
    }

    static func text(_ cell: Cell) -> String {
        switch cell {
        case let .number(x): return x.isFinite ? NumberFormat.roundTrip(x) : ""
        case let .integer(i): return String(i)
        case let .text(s): return quote(neutralise(s))
        case let .bool(b): return b ? "TRUE" : "FALSE"
        case .empty: return ""
        }
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
