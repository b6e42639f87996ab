/// Problems with an explain request: the grouping of terms, the scale column, the measures.
public enum ExplainError: SettingMessage, Equatable {
    case invalidGroup(String)
    case emptyGroup(String)
    case duplicateGroupName(String)
    case unknownTerm(term: String, group: String, terms: [String])
    case termInTwoGroups(term: String, first: String, second: String)
    case unclassifiedTerms([String])
    case needsIntercept
    /// `--absorb` with a decomposition: the absorbed effects would be neither justified nor not.
    case absorbedNotSupported
    /// Two absorbed factors in different groups: the shares' subsets would absorb one alone.
    case absorbedFactorsInTwoGroups
    /// A panel decomposition's model must have one random term: an intercept per unit.
    case panelNeedsOneRandomIntercept
    /// `explain` of a mixed model with a random term that is not an intercept alone.
    case randomSlopeInExplain(String)
    /// A risk-adjusted funnel from a model whose family does not count events.
    case expectedCountsNeedCountFamily(String)
    /// A unit observed twice in one period.
    case duplicatePanelRow(unit: String, period: String, rows: [Int])
    /// `--panel` with random-effect terms already in the formula.
    case panelFormulaHasRandomTerms
    case offsetNotSupported
    case scaleMissing(CellLocation)
    case scaleNotPositive(CellLocation, text: String)
    case invalidMeasure(String)
    /// An expectation not written TERM:+ or TERM:-.
    case invalidExpectation(String)
    /// An expectation of a term with several coefficients (a factor, a spline).
    case expectationOfSeveralColumns(term: String, columns: Int)
    case measureAllMissing(column: String)
    case measureConstant(column: String)
    case invalidWeight(String)
    case weightForUnknownMeasure(String)
    case unknownExcludedID(String)
    case precisionNotPositive(CellLocation, text: String)
    case tooFewUnits(column: String, count: Int)
    case tooManyGroups(count: Int, maximum: Int)
    case tooManyReplicates(Int, maximum: Int)
    case rankCountsTooLarge(units: Int, bytes: Int, limit: Int)
    case bootstrapFailed(attempts: Int)
    case outsideRange(CellLocation, unit: String?, text: String, range: ClosedRange<Double>, kind: String)
    case notPositive(what: String, value: Double)
    case invalidMinimumMeasures(Int, measures: Int)
    case logBaseNotConstant(String)
    /// `--scale` in a panel explain of a transformed response: its effects are on the
    /// transformed scale, and pounds would be that scale times the population.
    case panelScaleOfTransformedResponse(String)
    case targetOutsideRange(target: Double, kind: String)

    public var exitCode: Int32 { 1 }

    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .invalidGroup(s):
            return "group '\(s)': write it as NAME=term1,term2 (terms as the summary names them)"
        case let .emptyGroup(name):
            return "group '\(name)' names no terms"
        case let .duplicateGroupName(name):
            return "group name '\(name)' is used twice"
        case let .unknownTerm(term, group, terms):
            return "group '\(group)': the model has no term '\(term)'; its terms are \(terms.joined(separator: ", "))"
        case let .termInTwoGroups(term, first, second):
            return "term '\(term)' is in two groups, '\(first)' and '\(second)'; put it in one"
        case let .unclassifiedTerms(terms):
            return """
                every term must be in a group (\(names.name(.justified)) or \
                \(names.name(.unjustified))); not classified: \(terms.joined(separator: ", "))
                """
        case .offsetNotSupported:
            return "explain does not take a model with offset() yet: the offset is neither a justified nor an unjustified effect; fit it with varex fit"
        case .absorbedFactorsInTwoGroups:
            return "the two absorbed factors are in different groups; put them in one group (the shares refit the model without each group, and both factors are absorbed together)"
        case .absorbedNotSupported:
            return "explain, rank and report do not take \(names.name(.absorb)): an absorbed effect is in no group; put the factor in the formula and in a group"
        case .panelNeedsOneRandomIntercept:
            return "a panel decomposition needs one random-effect term, an intercept per unit"
        case let .randomSlopeInExplain(term):
            return "(\(term)): an explanation takes random intercepts, (1 | group); a random slope's share of the variance depends on its covariate's values (Johnson's extension of the marginal R²), which the shares do not compute; fit it, or explain with (1 | group)"
        case let .expectedCountsNeedCountFamily(family):
            return "a risk-adjusted funnel compares observed with expected counts: the \(family) family does not count events; use poisson (an offset for exposure) or binomial"
        case let .duplicatePanelRow(unit, period, rows):
            return """
                \(names.name(.panel)) \(unit) appears twice in \(names.name(.time)) \(period) (data rows \
                \(rows.map(String.init).joined(separator: " and "))); a panel has one row per unit and period
                """
        case .panelFormulaHasRandomTerms:
            return """
                with \(names.name(.panel)) the formula holds the fixed effects only: the unit's random \
                intercept (1 | unit) is added, so leave random-effect terms out
                """
        case .needsIntercept:
            return "explain needs a model with an intercept: the baseline is the mean, and effects are measured from it"
        case let .scaleMissing(loc):
            return "\(loc): the \(names.name(.scale)) value is missing; every row used needs one"
        case let .scaleNotPositive(loc, text):
            return "\(loc): \(names.name(.scale)) value '\(MessageText.quote(text))' is not positive"
        case let .invalidExpectation(s):
            return "\(names.name(.expect)) \(s): write it as TERM:+ (a higher value raises the response) or TERM:- (lowers it)"
        case let .expectationOfSeveralColumns(term, columns):
            return "an expectation is of one coefficient's sign, but '\(term)' has \(columns) coefficients (a factor or a spline): give a numeric term"
        case let .invalidMeasure(s):
            return "\(names.name(.measure)) \(s): write it as COLUMN:+ (higher is better) or COLUMN:- (lower is better)"
        case let .measureAllMissing(column):
            return "measure '\(column)' is missing in every row"
        case let .measureConstant(column):
            return "measure '\(column)' takes one value in every row; it cannot be normalised"
        case let .invalidWeight(s):
            return "\(names.name(.measureWeight)) \(s): write it as COLUMN=positive number"
        case let .weightForUnknownMeasure(s):
            return "\(names.name(.measureWeight)) \(s): the column is not one of the \(names.name(.measure)) columns"
        case let .unknownExcludedID(id):
            return "\(names.name(.exclude)) \(id): no row has that id"
        case let .precisionNotPositive(loc, text):
            return "\(loc): '\(MessageText.quote(text))' is not positive; standard errors, margins of error, variances and denominators must be"
        case let .tooFewUnits(column, count):
            return "'\(column)' is present in only \(count) row\(count == 1 ? "" : "s"); at least 3 are needed"
        case let .tooManyGroups(count, maximum):
            return """
                \(count) groups of terms: at most \(maximum), since the Shapley shares fit every \
                subset of groups (2^\(maximum) fits); merge some groups
                """
        case let .tooManyReplicates(n, maximum):
            return """
                \(n) replicates or draws: at most \(maximum) (the Monte Carlo error of a 95% rank \
                interval is negligible well before); ask for fewer
                """
        case let .rankCountsTooLarge(units, bytes, limit):
            return """
                rank intervals for \(units) units keep \(units)² counts per thread (\(bytes >> 20) \
                MB, more than the \(limit >> 20) MB allowed); rank fewer units
                """
        case let .outsideRange(loc, unit, text, range, kind):
            let bounds = range.upperBound.isFinite ? "\(NumberFormat.significant(range.lowerBound, 6))–\(NumberFormat.significant(range.upperBound, 6))" : "at least \(NumberFormat.significant(range.lowerBound, 6))"
            return """
                \(loc)\(unit.map { " (\(MessageText.quote($0)))" } ?? ""): \
                \(MessageText.quote(text)) is not \(kind) (\(bounds)); check the \
                \(names.name(.kind)), \(names.name(.scale)) or \(names.name(.per)) of the indicator
                """
        case let .panelScaleOfTransformedResponse(response):
            return """
                \(names.name(.scale)) with the response \(response) in a panel explain: its effects are on the transformed scale, \
                and Varex does not move them back to pounds for each year and council; explain the \
                response in pounds (such as spend per adult), or leave out \(names.name(.scale))
                """
        case let .logBaseNotConstant(response):
            return """
                the response \(response): the base of log(x, base) must be a positive number other \
                than 1 (not a column), so the effects can be moved back to the original scale
                """
        case let .invalidMinimumMeasures(k, measures):
            return "at least \(k) measures required, but there \(measures == 1 ? "is" : "are") \(measures); ask for 1 to \(measures)"
        case let .notPositive(what, value):
            return "\(what) must be a positive number; got \(NumberFormat.significant(value, 6))"
        case let .targetOutsideRange(target, kind):
            return "the target \(NumberFormat.significant(target, 6)) is not inside the range of \(kind)"
        case let .bootstrapFailed(attempts):
            return """
                a bootstrap replicate could not be fitted in \(attempts) draws (a term is not \
                estimable in almost every resample); drop rare categories or use \
                \(names.name(.resample)) residuals
                """
        }
    }
}
