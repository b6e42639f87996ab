import Varex
import VarexLinearAlgebra

/// `varex fit` with random-effect terms: a model run (read, join, ids, exclude, design) fitted
/// as a linear mixed model, with lmerTest's Satterthwaite df for the fixed effects.
public struct MixedAnalysis: Sendable {
    public let data: ModelData
    public let fit: LinearMixedFit
    public let satterthwaite: Satterthwaite
    public let level: Double
    /// With `anova`: lmerTest's F table by term, Satterthwaite's df.
    public let anova: MixedFTable?

    /// An absorbed factor (`--absorb`) enters the fixed part as its dummies, before the
    /// formula's terms: lmer with `factor(F)`, whose coefficients are shown. `table` is the data
    /// already read (the columns a streamed read kept, ``FitRequest/streamedTable(blockBytes:)``).
    public init(_ request: FitRequest, reml: Bool = true, anova: Bool = false, table: Table? = nil) throws {
        let request = request.absorbedAsDummies(first: true)
        data = try ModelData(request, table: table, randomEffects: true)
        guard let mixed = data.mixed else {
            throw FormulaError.randomTerm(formula: request.formula, position: 1,
                                          message: "no random-effect term such as (1 | group); without one, fit a linear model")
        }
        fit = try LinearMixedModel.fit(mixed, reml: reml)
        satterthwaite = try Satterthwaite(fit)
        level = request.level
        self.anova = anova ? try MixedFTable(fit, satterthwaite, table: data.table) : nil
    }

    /// The fixed effects with Satterthwaite's df.
    public var coefficients: [CoefficientRow] { fit.coefficientTable(satterthwaite, level: level) }

    /// Warnings as lme4 and lmerTest give them.
    public var warnings: [String] { Self.warnings(fit, satterthwaite) }

    public static func warnings(_ fit: LinearMixedFit, _ satterthwaite: Satterthwaite) -> [String] {
        (fit.isSingular ? ["boundary (singular) fit: a variance is estimated at zero or a correlation at ±1 (lme4's isSingular)"] : [])
            + (fit.converged ? [] : ["the optimiser stopped at its evaluation limit before meeting its tolerance"])
            + satterthwaite.warnings
    }

    /// One row per input row: the id (and label and kept columns), `observed`, `fitted`
    /// (conditional: Xβ + Zb, lme4's `fitted`), `marginal_fitted` (Xβ), `residual` (y − Xβ − Zb),
    /// `marginal_residual` (y − Xβ), `scaled_residual` (residual / σ), one column
    /// `random_<group>` per random term (its part of Zb), and `note`.
    public func residuals() -> OutputTable {
        let f = fit
        let b = f.randomEffects
        let layout = f.profile.layout
        var columns = ["observed", "fitted", "marginal_fitted", "residual", "marginal_residual", "scaled_residual"]
        var values: [[Double]] = [f.y, f.fitted, f.marginalFitted, f.residuals, f.marginalResiduals, f.residuals.map { $0 / f.sigma }]
        for (k, block) in f.design.blocks.enumerated() {
            columns.append(Self.randomColumnName(block, index: k, taken: columns))
            values.append((0..<f.n).map { i in
                let base = layout.offsets[k] + block.level[i] * block.effectCount
                return (0..<block.effectCount).reduce(0.0) { $0 + block.values[i, $1] * b[base + $1] }
            })
        }
        let cells: [[Cell]] = (0..<f.n).map { i in values.map { .finite($0[i]) } }
        return data.perRowTable(columns: columns, used: f.design.fixed.rows, cells: cells, leftOut: f.design.fixed.dropped)
    }

    /// One row per group and effect: `group`, `level`, `effect`, the conditional mode
    /// (`mode`, lme4's `ranef`), its conditional SD (`cond_sd`), the `level` interval mode ±
    /// z × SD, and the number of rows in the group.
    public func randomEffectsTable() throws -> OutputTable {
        try Self.randomEffectsTable(blocks: fit.design.blocks, level: level, modes: fit.randomEffects(term:),
                                    sds: fit.conditionalStandardDeviations(term:))
    }

    /// The random-effects table of any mixed model, from each term's modes and conditional SDs.
    static func randomEffectsTable(blocks: [RandomEffectsBlock], level: Double, modes: (Int) -> Matrix,
                                   sds: (Int) throws -> Matrix) throws -> OutputTable {
        let z = Normal.quantile(1 - (1 - level) / 2)
        var rows: [[Cell]] = []
        for (k, block) in blocks.enumerated() {
            let modes = modes(k), sds = try sds(k)
            var counts = [Int](repeating: 0, count: block.levels.count)
            for l in block.level { counts[l] += 1 }
            for (l, name) in block.levels.enumerated() {
                for (e, effect) in block.effectNames.enumerated() {
                    let m = modes[l, e], s = sds[l, e]
                    rows.append([.text(block.term.groupName), .text(name), .text(effect), .finite(m), .finite(s),
                                 .finite(m - z * s), .finite(m + z * s), .integer(counts[l])])
                }
            }
        }
        return OutputTable(header: ["group", "level", "effect", "mode", "cond_sd", "ci_low", "ci_high", "rows"], rows: rows)
    }

    /// A random term's residual-table column: `random_<group>`, with the effects' names for
    /// a term with slopes, and the term's number where the name is taken.
    static func randomColumnName(_ block: RandomEffectsBlock, index k: Int, taken: [String]) -> String {
        let name = "random_" + block.term.groupName + (block.effectNames == ["(Intercept)"] ? "" : "_" + block.effectNames.joined(separator: "_"))
        return taken.contains(name) ? name + "_\(k + 1)" : name
    }
}
