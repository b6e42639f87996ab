/// Names as R's `deparse` prints them in term and coefficient names: a syntactic name as it is,
/// any other in backticks (`` `(Intercept)` ``, `` `my var` ``), so a column can never take the
/// name of another term (R's `lm(y ~ `(Intercept)`)` has both `(Intercept)` and `` `(Intercept)` ``).
public enum RName {
    static let reserved: Set<String> = ["if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
                                        "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_", "NA_character_", "in"]

    /// Whether R reads `name` as a name without backticks: letters, digits, `.` and `_`,
    /// beginning with a letter or a `.` not followed by a digit, and not a reserved word.
    static func isSyntactic(_ name: String) -> Bool {
        guard let first = name.first, !reserved.contains(name) else { return false }
        guard first.isLetter || first == "." else { return false }
        if first == ".", let second = name.dropFirst().first, second.isNumber { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
    }

    /// `name`, or `` `name` `` when it is not syntactic.
    public static func deparse(_ name: String) -> String { isSyntactic(name) ? name : "`" + name + "`" }
}
