import Varex

/// `varex fit` with random-effect terms and a family: a model run (read, join, ids, exclude,
/// subset, design) fitted as a generalized linear mixed model by the Laplace approximation, as
/// lme4's `glmer`, with Wald z tests for the fixed effects.
public struct GLMMAnalysis: Sendable {
    public let data: ModelData
    public let fit: GeneralizedLinearMixedFit
    public let level: Double
    /// With `anova`: car's Type III Wald χ² table.
    public let anova: WaldChiSquareTable?

    /// An absorbed factor (`--absorb`) enters the fixed part as its dummies, before the
    /// formula's terms (glmer with `factor(F)`), whose coefficients are shown. `table` is the data
    /// already read (the columns a streamed read kept, ``FitRequest/streamedTable(blockBytes:)``).
    /// `unit` is a panel's unit column (files join on it; `exclude` names units).
    public init(_ request: FitRequest, family: Family, link: Link? = nil, anova: Bool = false, table: Table? = nil,
                unit: String? = nil) throws {
        let request = request.absorbedAsDummies(first: true)
        data = try ModelData(request, table: table, randomEffects: true, unit: unit)
        guard let mixed = data.mixed else {
            throw FormulaError.randomTerm(formula: request.formula, position: 1,
                                          message: "no random-effect term such as (1 | group); without one, fit a GLM")
        }
        fit = try GeneralizedLinearMixedModel.fit(mixed, family: family, link: link, table: data.table)
        level = request.level
        self.anova = anova ? WaldChiSquareTable(fit) : nil
    }

    /// The fixed effects with Wald z tests.
    public var coefficients: [CoefficientRow] { fit.coefficientTable(level: level) }

    /// One row per input row: the id (and label and kept columns), `observed` (a proportion
    /// for a binomial count pair), `fitted` (the conditional mean, lme4's `fitted`),
    /// `marginal_fitted` (the population-level mean, `predict(fit, re.form = NA, type =
    /// "response")`), `linear_predictor` (η with the random effects), the response, Pearson and
    /// deviance residuals (`residuals(fit, type)`), `prior_weight`, one column
    /// `random_<group>` per random term (its part of η), and `note`.
    public func residuals() -> OutputTable {
        let f = fit
        var columns = ["observed", "fitted", "marginal_fitted", "linear_predictor", "response_residual", "pearson_residual",
                       "deviance_residual", "prior_weight"]
        var values: [[Double]] = [f.y, f.fitted, f.marginalFitted, f.modes.eta, f.responseResiduals, f.pearsonResiduals,
                                  f.devianceResiduals, f.prior]
        let b = f.randomEffects
        for (k, block) in f.design.blocks.enumerated() {
            let name = MixedAnalysis.randomColumnName(block, index: k, taken: columns)
            columns.append(name)
            values.append((0..<f.n).map { i in
                let base = f.layout.offsets[k] + block.level[i] * block.effectCount
                return (0..<block.effectCount).reduce(0.0) { $0 + block.values[i, $1] * b[base + $1] }
            })
        }
        let cells: [[Cell]] = (0..<f.n).map { i in values.map { .finite($0[i]) } }
        return data.perRowTable(columns: columns, used: f.design.fixed.rows, cells: cells, leftOut: f.design.fixed.dropped)
    }

    /// One row per group and effect: the conditional modes on the link scale with their
    /// conditional SDs and intervals (as ``MixedAnalysis/randomEffectsTable()``).
    public func randomEffectsTable() throws -> OutputTable {
        try MixedAnalysis.randomEffectsTable(blocks: fit.design.blocks, level: level, modes: fit.randomEffects(term:),
                                             sds: fit.conditionalStandardDeviations(term:))
    }
}
