/// `NAME=VALUE` pairs (`region=London`, `ascof_1a=2`, `need=imd_score,log(x, 2)`): the one parser
/// behind `--reference`, `--weight`, `--by-weight` and the term groups.
public enum NameValue {
    /// The name and the value around the first `=`, each trimmed of spaces; nil when there is
    /// no `=`, or the name or the value is empty.
    public static func split(_ text: String) -> (name: String, value: String)? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let name = String(text[..<eq]).trimmingSpaces, value = String(text[text.index(after: eq)...]).trimmingSpaces
        guard !name.isEmpty, !value.isEmpty else { return nil }
        return (name, value)
    }

    /// `NAME=number` with a positive, finite number.
    public static func positiveNumber(_ text: String) -> (name: String, value: Double)? {
        guard let (name, value) = split(text), let v = NumberParsing.parse(value).map(Double.init), v > 0, v.isFinite else { return nil }
        return (name, v)
    }
}
