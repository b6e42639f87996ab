/// Problems with a model formula, with the position (1-based character) they occur at.
public enum FormulaError: SettingMessage, Equatable {
    /// The formula does not parse; `position` is the 1-based character where parsing failed.
    case syntax(formula: String, position: Int, message: String)
    /// A function the formula language does not know.
    case unknownFunction(formula: String, position: Int, name: String)
    /// A column used as a number holds text.
    case textInNumericContext(variable: String, column: String)
    /// The response is a categorical variable.
    case categoricalResponse(String)
    /// `--reference` names a level the variable does not have, or a variable not in the model.
    case unknownReference(variable: String, level: String, levels: [String])
    case referenceForUnknownVariable(String)
    /// `C(x, ...)`/`factor(x, ...)` with more than the column: the reference level is a setting.
    case referenceInFormula(formula: String, position: Int, function: String)
    /// `y ~ .` where the data's columns are not known (the formula is read before the data).
    case dotNeedsData(formula: String, position: Int)
    /// The formula has no terms and no intercept.
    case emptyModel(String)
    /// The formula expands to more terms than a model can take.
    case tooManyTerms(limit: Int)
    /// Parentheses or calls nested deeper than the parser allows.
    case nestedTooDeeply(formula: String, position: Int, limit: Int)
    /// An arithmetic expression with more operations in a chain than the parser allows.
    case expressionTooLong(formula: String, position: Int, limit: Int)

    /// A random-effect term `(1 | g)` where only fixed effects can be fitted.
    case randomTermOutsideMixedModel(formula: String, position: Int)
    /// A random-effect term lme4 would not accept: not a summand of its own, no grouping
    /// factor, a bar inside its effects.
    case randomTerm(formula: String, position: Int, message: String)

    public var exitCode: Int32 { 1 }

    /// A long formula cut for a one-line message.
    static func shortened(_ s: String) -> String {
        s.count <= 120 ? s : String(s.prefix(100)) + "… (\(s.count) characters)"
    }

    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .syntax(formula, position, message):
            return "formula error at position \(position) of '\(Self.shortened(formula))': \(message)"
        case let .unknownFunction(formula, position, name):
            return """
                formula error at position \(position) of '\(Self.shortened(formula))': unknown \
                function '\(name)'; known: log, log10, log2, log1p, sqrt, exp, abs, I, C, factor
                """
        case let .textInNumericContext(variable, column):
            return "'\(variable)' needs numbers but column '\(column)' holds text"
        case let .categoricalResponse(name):
            return "the response '\(name)' holds text; the response must be numeric"
        case let .unknownReference(variable, level, levels):
            return "\(names.name(.reference)) \(variable)=\(level): no such level; the levels are \(levels.joined(separator: ", "))"
        case let .referenceForUnknownVariable(name):
            return "\(names.name(.reference)) \(name)=...: '\(name)' is not a categorical variable of the model"
        case let .referenceInFormula(formula, position, function):
            return """
                formula error at position \(position) of '\(Self.shortened(formula))': \(function)() \
                takes one column; use \(names.name(.reference)) to choose the reference level
                """
        case let .dotNeedsData(formula, position):
            return "formula error at position \(position) of '\(Self.shortened(formula))': '.' stands for the data's other columns, which are not known here"
        case let .emptyModel(formula):
            return "the formula '\(formula)' has no terms and no intercept"
        case let .tooManyTerms(limit):
            return """
                the formula expands to more than \(limit) terms (an interaction of many variables, \
                such as (a + b + ...)^k, grows as 2^variables); use a lower power or fewer variables
                """
        case let .nestedTooDeeply(formula, position, limit):
            return "formula error at position \(position) of '\(Self.shortened(formula))': parentheses and calls are nested more than \(limit) deep"
        case let .randomTermOutsideMixedModel(formula, position):
            return """
                formula error at position \(position) of '\(Self.shortened(formula))': '|' makes a \
                random-effect term such as (1 | code), which only a mixed model or a GLMM takes (as fitted, \
                explained, ranked and reported); here the model has fixed effects only
                """
        case let .randomTerm(formula, position, message):
            return "formula error at position \(position) of '\(Self.shortened(formula))': \(message)"
        case let .expressionTooLong(formula, position, limit):
            return """
                formula error at position \(position) of '\(Self.shortened(formula))': the \
                expression chains more than \(limit) operations; compute it as a column instead
                """
        }
    }
}
