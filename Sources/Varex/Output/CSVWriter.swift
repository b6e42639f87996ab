/// Writes an ``OutputTable`` as CSV: RFC 4180 quoting, numbers with round-trip precision,
/// empty cells for missing values, and text that a spreadsheet could run as a formula
/// (beginning with `=`, `+`, `-`, `@`, tab or carriage return) prefixed with `'`.
public enum CSVWriter {
    public static func render(_ table: OutputTable) -> String {
        var out = ""
        out.reserveCapacity(table.rows.count * table.header.count * 12)
        out += table.header.map { quote(neutralise($0)) }.joined(separator: ",") + "\n"
        for row in table.rows {
            out += row.map(text).joined(separator: ",") + "\n"
        }
        return out
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

    /// Prefixes formula-like text with an apostrophe so spreadsheets show it as text.
    public static func neutralise(_ s: String) -> String {
        guard let f = s.unicodeScalars.first else { return s }
        switch f {
        case "=", "+", "-", "@", "\t", "\r": return "'" + s
        default: return s
        }
    }

    static func quote(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }
}
