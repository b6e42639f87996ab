/// The apostrophe that keeps a spreadsheet from running text as a formula, applied by every
/// CSV writer and removed by the reader, so that Varex reads back exactly what it wrote.
///
/// Text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number is
/// written with a leading `'` (`=1+1` → `'=1+1`); so is text that already begins with
/// apostrophes followed by such a character (`'=x` → `''=x`), which makes the rule one-to-one.
/// Numbers are never prefixed: `-5`, `+44` and `-1` are written as they are. The reader removes
/// one apostrophe from any cell the writer would have prefixed.
public enum SpreadsheetText {
    /// Whether the writer prefixes `text`.
    public static func needsProtection(_ text: Substring) -> Bool {
        // Skip leading apostrophes (a loop, not recursion: a cell may hold millions of them).
        let rest = text.drop { $0 == "'" }
        guard let first = rest.unicodeScalars.first else { return false }
        switch first {
        case "=", "+", "-", "@", "\t", "\r":
            return rest.count != text.count || NumberParsing.parse(String(text)) == nil
        default:
            return false
        }
    }

    /// The text as written to a CSV cell.
    public static func protect(_ text: String) -> String {
        needsProtection(Substring(text)) ? "'" + text : text
    }

    /// The text a written cell stood for: one apostrophe fewer where the writer added one.
    public static func unprotect(_ cell: String) -> String {
        guard cell.hasPrefix("'") else { return cell }
        let rest = cell.dropFirst()
        return needsProtection(rest) ? String(rest) : cell
    }
}
