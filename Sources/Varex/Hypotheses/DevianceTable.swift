/// One row of an analysis-of-deviance table: a term (or `NULL`, the null model, first in the
/// sequential table), its df and deviance drop, the residual df and deviance after it
/// (sequential), and its test statistic (F, or the dispersion-scaled χ²) and p-value.
public struct DevianceRow: Sendable, Equatable {
    public let term: String
    /// nil on the `NULL` row.
    public let df: Int?
    /// The drop in deviance when the term joins (nil on the `NULL` row).
    public let deviance: Double?
    /// Sequential table: the residual df and deviance with the terms up to this one.
    public let residualDF: Int?
    public let residualDeviance: Double?
    /// F (an F test), or the likelihood-ratio χ² scaled by the dispersion (Type II); nil for
    /// the sequential χ² test, whose statistic is the deviance itself, and where df is 0.
    public let statistic: Double?
    public let pValue: Double?
}

/// A GLM's tests by term: R's sequential analysis of deviance (`anova(fit, test = "Chisq")`
/// for a family with a fixed dispersion, `test = "F"` where it is estimated) and `car::Anova`'s
/// Type II likelihood-ratio table (each term after every term that does not contain it).
/// Every row refits the GLM on a subset of its columns, from R's starting values.
public struct DevianceTable: Sendable, Equatable {
    public enum Kind: String, Sendable { case sequential, typeII = "type II" }
    /// The reference distribution: χ² on the deviance / dispersion, or F on (deviance / df) /
    /// dispersion with the residual df.
    public enum Test: String, Sendable { case chisq = "Chisq", f = "F" }
    public let kind: Kind
    public let test: Test
    /// The full model's dispersion the tests scale by (1 for binomial and Poisson).
    public let dispersion: Double
    public let rows: [DevianceRow]

    /// What the tables read of a GLM, whoever fitted it (in memory, or in blocks): its family,
    /// the formula's terms and each design column's term, its deviances, df and dispersion, and
    /// a refit on a subset of its design columns (from R's starting values) giving the
    /// deviance and residual df.
    public struct Model {
        public let family: Family
        public let terms: [Term]
        public let assign: [Int]
        public let dispersion, nullDeviance, deviance: Double
        public let dfNull, dfResidual: Int
        public let refit: ([Int]) throws -> (deviance: Double, dfResidual: Int)

        public init(family: Family, terms: [Term], assign: [Int], dispersion: Double, nullDeviance: Double, deviance: Double,
                    dfNull: Int, dfResidual: Int, refit: @escaping ([Int]) throws -> (deviance: Double, dfResidual: Int)) {
            self.family = family; self.terms = terms; self.assign = assign; self.dispersion = dispersion
            self.nullDeviance = nullDeviance; self.deviance = deviance; self.dfNull = dfNull; self.dfResidual = dfResidual
            self.refit = refit
        }

        /// A fit in memory, refitted by ``GeneralizedLinearModel/refit(_:columns:)``.
        public init(_ fit: GeneralizedLinearFit) {
            self.init(family: fit.family, terms: fit.design.formula.terms, assign: fit.design.assign, dispersion: fit.dispersion,
                      nullDeviance: fit.nullDeviance, deviance: fit.deviance, dfNull: fit.dfNull, dfResidual: fit.dfResidual,
                      refit: { try GeneralizedLinearModel.refit(fit, columns: $0) })
        }

        /// The design columns whose term is one of `terms` (and the intercept).
        func columns(terms: Set<Int>) -> [Int] {
            assign.indices.filter { assign[$0] == -1 || terms.contains(assign[$0]) }
        }
    }

    /// `anova(fit, test = ...)`: the null model, then each term in the formula's order.
    public static func sequential(_ fit: GeneralizedLinearFit) throws -> DevianceTable { try sequential(Model(fit)) }

    /// `car::Anova(fit, type = 2)` of a fit in memory.
    public static func typeII(_ fit: GeneralizedLinearFit) throws -> DevianceTable { try typeII(Model(fit)) }

    /// `anova(fit, test = ...)`: the null model, then each term in the formula's order.
    public static func sequential(_ fit: Model) throws -> DevianceTable {
        let test: Test = fit.family.estimatesDispersion ? .f : .chisq
        let phi = fit.dispersion
        let terms = fit.terms
        var rows = [DevianceRow(term: "NULL", df: nil, deviance: nil, residualDF: fit.dfNull, residualDeviance: fit.nullDeviance,
                                statistic: nil, pValue: nil)]
        var previous = (deviance: fit.nullDeviance, dfResidual: fit.dfNull)
        for t in terms.indices {
            let now: (deviance: Double, dfResidual: Int) = t == terms.count - 1 ? (fit.deviance, fit.dfResidual) : try fit.refit(fit.columns(terms: Set(0...t)))
            let df = previous.dfResidual - now.dfResidual, drop = previous.deviance - now.deviance
            let (statistic, p) = Self.test(test, drop: drop, df: df, dispersion: phi, dfResidual: fit.dfResidual)
            rows.append(DevianceRow(term: terms[t].label, df: df, deviance: drop, residualDF: now.dfResidual, residualDeviance: now.deviance,
                                    statistic: test == .f ? statistic : nil, pValue: p))
            previous = now
        }
        return DevianceTable(kind: .sequential, test: test, dispersion: phi, rows: rows)
    }

    /// `car::Anova(fit, type = 2)`: for each term, the deviance of the model without it and the
    /// terms containing it, less that of the model without those terms only, over the
    /// dispersion, against χ² on the difference in residual df.
    public static func typeII(_ fit: Model) throws -> DevianceTable {
        let terms = fit.terms
        let all = Set(terms.indices)
        var rows: [DevianceRow] = []
        for (t, term) in terms.enumerated() {
            let variables = Set(term.variables)
            let relatives = Set(terms.indices.filter { $0 != t && variables.isSubset(of: Set(terms[$0].variables)) })
            let without = try fit.refit(fit.columns(terms: all.subtracting(relatives).subtracting([t])))
            let with: (deviance: Double, dfResidual: Int) = relatives.isEmpty ? (fit.deviance, fit.dfResidual)
                : try fit.refit(fit.columns(terms: all.subtracting(relatives)))
            let df = without.dfResidual - with.dfResidual
            let lr = (without.deviance - with.deviance) / fit.dispersion
            rows.append(DevianceRow(term: term.label, df: df, deviance: without.deviance - with.deviance, residualDF: nil,
                                    residualDeviance: nil, statistic: df == 0 ? nil : lr,
                                    pValue: df == 0 ? nil : ChiSquared(df: Double(df)).survival(lr)))
        }
        return DevianceTable(kind: .typeII, test: .chisq, dispersion: fit.dispersion, rows: rows)
    }

    /// R's `stat.anova`: the statistic and p-value of one row (none where df is 0).
    static func test(_ test: Test, drop: Double, df: Int, dispersion: Double, dfResidual: Int) -> (Double?, Double?) {
        guard df > 0 else { return (nil, nil) }
        switch test {
        case .chisq:
            return (drop / dispersion, ChiSquared(df: Double(df)).survival(drop / dispersion))
        case .f:
            let f = drop / Double(df) / dispersion
            return (f, dfResidual > 0 ? FDistribution(df1: Double(df), df2: Double(dfResidual)).survival(f) : nil)
        }
    }
}
