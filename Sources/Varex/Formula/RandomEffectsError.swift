/// Random-effect terms lme4 would refuse for these data (its checks of the grouping factors
/// and of the number of random effects), each message naming the term.
public enum RandomEffectsError: VarexError, Equatable {
    /// The grouping factor takes one value in every row used.
    case oneLevel(group: String, level: String)
    /// As many levels as rows: each group is one row, so its effect is the residual.
    case levelsNotFewerThanRows(group: String, levels: Int, rows: Int)
    /// At least as many random effects in one term as rows.
    case tooManyRandomEffects(term: String, effects: Int, rows: Int)

    public var exitCode: Int32 { 1 }

    public var description: String {
        switch self {
        case let .oneLevel(group, level):
            return "the grouping factor '\(group)' has one level ('\(level)') in the rows used; a random effect needs at least two groups"
        case let .levelsNotFewerThanRows(group, levels, rows):
            return """
                the grouping factor '\(group)' has \(levels) levels for \(rows) rows; it needs fewer \
                levels than rows (each group one row is the residual itself), as lme4 requires
                """
        case let .tooManyRandomEffects(term, effects, rows):
            return """
                the term (\(term)) has \(effects) random effects for \(rows) rows; the random-effect \
                variances and the residual variance cannot both be estimated (lme4 refuses it too)
                """
        }
    }
}
