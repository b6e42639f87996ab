/// What can go wrong in a value view, each with a message a user can act on.
public enum ValueError: VarexError, Equatable {
    /// Fewer units than the need model has terms, plus two.
    case tooFewUnits(Int, terms: Int)
    /// The need terms are linearly dependent.
    case dependentNeed
    /// A variable the same for every unit.
    case constant(String)
    /// A measure's error columns do not fit it (a name, and why).
    case badErrorColumns(String)
    case invalidSetting(String)

    public var exitCode: Int32 { 1 }

    public var description: String {
        switch self {
        case let .tooFewUnits(n, terms):
            return "a value view with \(terms) need terms needs at least \(terms + 2) units with spend, need and an outcome; the data have \(n)"
        case .dependentNeed:
            return "the need terms are linearly dependent (one is a combination of the others): leave one out"
        case let .constant(what):
            return "\(what) takes the same value for every unit: there is nothing to compare"
        case let .badErrorColumns(why):
            return why
        case let .invalidSetting(s):
            return s
        }
    }
}
