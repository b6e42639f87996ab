/// The cell texts read as a missing value: empty, `NA`, `NaN`, `N/A`, and the markers of UK official
/// statistics (`..` not available, `:` not applicable, `[x]` not available, `[c]` confidential,
/// `[z]` not applicable, `[low]` too small to show). Compared after trimming spaces; the bracket
/// markers ignore case.
public enum MissingValues {
    /// Exact (case-sensitive) markers.
    public static let markers: Set<String> = ["", "NA", "NaN", "N/A", "..", ":"]
    /// Case-insensitive bracketed markers.
    public static let bracketMarkers: Set<String> = ["[x]", "[c]", "[z]", "[low]"]

    /// Whether a (trimmed) cell text means "missing".
    public static func isMissing(_ text: Substring) -> Bool {
        if markers.contains(String(text)) { return true }
        if text.first == "[" { return bracketMarkers.contains(text.lowercased()) }
        return false
    }
}
