/// What can go wrong in a frontier analysis, each with a message a user can act on.
public enum FrontierError: VarexError, Equatable {
    /// A DEA input or output that is zero, negative or not a number: radial efficiency is a
    /// ratio, and a unit with nothing of an input cannot be scaled. `location` names the cell.
    case notPositive(variable: String, unit: String, value: Double, location: CellLocation?)
    /// A variable with the same value for every unit: it cannot tell units apart.
    case constantVariable(String)
    /// Fewer units than a frontier can be drawn through.
    case tooFewUnits(Int, minimum: Int)
    /// No DEA input or no output.
    case emptyVariables(String)
    /// A unit's programme has no solution (a need or returns-to-scale constraint no reference
    /// composite can meet).
    case infeasible(unit: String, what: String)
    /// The LP solver stopped without an answer.
    case solverFailed(unit: String, what: String)
    /// The bootstrap's bandwidth cannot be set: every unit is on the frontier.
    case noInefficientUnits
    case invalidSetting(String)
    /// OLS residuals skewed the wrong way for the frontier's side: the likelihood is maximised
    /// at no inefficiency (Waldman 1982).
    case wrongSkew(side: FrontierSide, thirdMoment: Double)
    /// The maximum likelihood search failed, and why.
    case notConverged(String)

    public var exitCode: Int32 {
        switch self {
        case .infeasible, .solverFailed, .noInefficientUnits, .wrongSkew, .notConverged: return 2
        default: return 1
        }
    }

    public var description: String {
        switch self {
        case let .notPositive(variable, unit, value, location):
            let at = location.map { "\($0): " } ?? ""
            let v = value.isNaN ? "missing" : "\(value)"
            return "\(at)\(variable) of \(unit) is \(v): DEA needs every input and output positive (leave the unit out, or use a measure that is positive)"
        case let .constantVariable(name):
            return "'\(name)' takes the same value for every unit: it cannot tell units apart; leave it out"
        case let .tooFewUnits(n, minimum):
            return "a frontier needs at least \(minimum) units; the data have \(n)"
        case let .emptyVariables(what):
            return "DEA needs at least one \(what)"
        case let .infeasible(unit, what):
            return "the \(what) programme of \(unit) has no solution: no combination of the other units meets its constraints (try variable returns to scale, or fewer need constraints)"
        case let .solverFailed(unit, what):
            return "the LP solver stopped without an answer for the \(what) programme of \(unit)"
        case .noInefficientUnits:
            return "every unit is on the frontier: the bootstrap's bandwidth cannot be estimated (too few units for this many inputs and outputs)"
        case let .invalidSetting(s):
            return s
        case let .wrongSkew(side, m3):
            let want = side == .cost ? "to the right (positive), as costs above a frontier make them" : "to the left (negative), as output below a frontier makes them"
            return "wrong skew: the OLS residuals should be skewed \(want), but their third moment is \(NumberFormat.significant(side.sign * m3, 4)); the likelihood is then highest with no inefficiency at all (Waldman 1982), so there is no \(side.rawValue) frontier to measure efficiency against: check the frontier's side (cost or production) and the model"
        case let .notConverged(why):
            return "the stochastic frontier did not converge: \(why); try another distribution or fewer terms"
        }
    }
}
