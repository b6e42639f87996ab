import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// How the response relates to the quantity reported in pounds.
public enum ResponseScale: Sendable, Equatable {
    /// The response itself (e.g. spend per adult).
    case identity
    /// The logarithm of the quantity, with this base (e: `log()`, 10: `log10()`, 2: `log2()`).
    case logarithm(base: Double)

    /// Recognises `log(...)`, `log10(...)` and `log2(...)` responses. `log(x, base)` needs a
    /// base that is a constant (a number, or arithmetic on numbers), positive and not 1; a base
    /// that reads a column is an error rather than a response silently taken as untransformed.
    public init(response: ModelVariable) throws {
        if case let .expression(.call(f, args)) = response.source, args.count <= 2 {
            switch f {
            case "log":
                if args.count == 1 { self = .logarithm(base: M_E); return }
                guard args[1].columns.isEmpty else { throw ExplainError.logBaseNotConstant(response.label) }
                let b = Double(args[1].evaluate { _ in .nan })
                guard b > 0, b != 1, b.isFinite else { throw ExplainError.logBaseNotConstant(response.label) }
                self = .logarithm(base: b)
                return
            case "log10": self = .logarithm(base: 10); return
            case "log2": self = .logarithm(base: 2); return
            default: break
            }
        }
        self = .identity
    }
}

/// The per-row decomposition of the response into a baseline, one effect per group of terms and
/// the residual: observed = baseline + Σ effects + residual, exactly (to rounding), on the scale
/// the model was fitted on. Rows are the rows used by the fit.
public struct Decomposition: Sendable {
    /// The weighted mean of the fitted values: the weighted mean of the response in a model with
    /// an intercept.
    public let baseline: Double
    /// effects[g][i]: Σ over the group's columns of coefficient × (value − weighted mean value).
    public let effects: [[Double]]
    public let observed: [Double]
    public let fitted: [Double]
    public let residuals: [Double]
    public let grouping: TermGrouping
    /// The (weighted) mean of each design column over the rows used, where effects are measured
    /// from; NaN for aliased columns.
    public let columnMeans: [Double]

    /// An absorbed fit (`--absorb`) is decomposed on its columns restored to their values (the
    /// within deviation plus the parts the transformation took out at the row's levels), and the
    /// absorbed factor's group adds the row's level effect less its (weighted) mean: the same
    /// numbers as the model with the factor's dummy columns in that group.
    public init(fit: LinearFit, grouping: TermGrouping) throws {
        let absorbed = fit.design.absorbed
        if absorbed == nil {
            guard fit.hasIntercept else { throw ExplainError.needsIntercept }
            guard fit.design.offset == nil else { throw ExplainError.offsetNotSupported }
        }
        let design = fit.design
        let n = fit.n, p = fit.coefficients.count
        var sw: Extended = 0
        for i in 0..<n { sw += Extended(fit.weight(i)) }
        func weightedMean(_ v: (Int) -> Extended) -> Extended {
            var m: Extended = 0
            for i in 0..<n { m += Extended(fit.weight(i)) * v(i) }
            return m / sw
        }
        var effects = [[Extended]](repeating: [Extended](repeating: 0, count: n), count: grouping.groups.count)
        var base: Extended = 0
        var means = [Double](repeating: .nan, count: p)
        for j in 0..<p where !fit.isAliased[j] {
            let b = Extended(fit.coefficients[j])
            let col = fit.restoredColumn(j)
            let mean = weightedMean { col[$0] }
            means[j] = Double(mean)
            base += b * mean
            let term = design.assign[j]
            guard term >= 0 else { continue } // the intercept is part of the baseline
            let g = grouping.groupOfTerm[term]
            for i in 0..<n { effects[g][i] += b * (col[i] - mean) }
        }
        if let a = absorbed, let levels = fit.absorbedEffects {
            for f in a.groups.indices {
                let effect = { (i: Int) in Extended(levels.effects[f][a.groups[f][i]]) }
                let mean = weightedMean(effect)
                base += mean
                for i in 0..<n { effects[grouping.groupOfAbsorbed[f]][i] += effect(i) - mean }
            }
        }
        baseline = Double(base)
        self.effects = effects.map { $0.map { Double($0) } }
        observed = (absorbed?.response ?? design.y).map { Double($0) }
        fitted = fit.fitted
        residuals = fit.residuals
        self.grouping = grouping
        columnMeans = means
    }

    /// Rows outside the fit (coded by the fit's schema), decomposed with the fit's coefficients
    /// and means: effects[g][k] for coded row k, and the fitted value baseline + Σ effects.
    public func outOfSample(_ rows: SchemaRows, fit: LinearFit) -> (effects: [[Double]], fitted: [Double]) {
        let m = rows.rows.count
        var effects = [[Extended]](repeating: [Extended](repeating: 0, count: m), count: grouping.groups.count)
        for j in fit.coefficients.indices where !fit.isAliased[j] && fit.design.assign[j] >= 0 {
            let b = Extended(fit.coefficients[j]), mean = Extended(columnMeans[j])
            let g = grouping.groupOfTerm[fit.design.assign[j]]
            for k in 0..<m { effects[g][k] += b * (rows.x[k, j] - mean) }
        }
        let fitted = (0..<m).map { k in Double(effects.reduce(Extended(baseline)) { $0 + $1[k] }) }
        return (effects.map { $0.map { Double($0) } }, fitted)
    }

    /// The groups the analysis calls justified.
    public var justifiedGroups: Set<Int> { Set(grouping.groups.indices.filter { grouping.groups[$0].justified }) }

    /// baseline + Σ justified effects, per row.
    public var justified: [Double] { justified(groups: justifiedGroups) }

    /// baseline + the effects of `groups`, per row: the justified level were those groups the
    /// justified ones (the sensitivity re-ranking tries every set).
    public func justified(groups: Set<Int>) -> [Double] {
        observed.indices.map { i in
            var s = baseline
            for g in grouping.groups.indices where groups.contains(g) { s += effects[g][i] }
            return s
        }
    }

    /// observed − justified, per row (= the unjustified effects + the residual).
    public var unjustified: [Double] { Unjustified.values(justified: justified, observed: observed, retransformed: nil) }
}

/// What is unjustified given a justified level: the one rule that `explain`, the bootstrap
/// (under each replicate's coefficients) and the sensitivity re-ranking (under each choice of
/// justified groups) all use.
public enum Unjustified {
    /// observed − justified on the model's scale; for a log response, observed − S·b^justified on
    /// the original scale (S: Duan's smearing factor, b the log's base).
    public static func values(justified: [Double], observed: [Double], retransformed r: Retransformation?) -> [Double] {
        guard let r else { return zip(observed, justified).map { $0 - $1 } }
        return values(justified: justified, originalObserved: r.observed, base: r.base, smearing: r.smearing)
    }

    /// For a log response: observed (on the original scale) − S·b^justified.
    public static func values(justified: [Double], originalObserved: [Double], base: Double, smearing: Double) -> [Double] {
        let lb = log(base)
        return justified.indices.map { originalObserved[$0] - smearing * exp(justified[$0] * lb) }
    }
}

/// The decomposition moved back to the original scale of a log response by Duan's smearing:
/// the level is S·bᶠⁱᵗᵗᵉᵈ with S the (weighted) mean of b^residual, so that the mean level is not
/// biased low as plain exponentiation would be. Each group's effect is a factor b^effect (shown
/// as a percentage), and observed = S·b^baseline · Π b^effect · b^residual/S exactly.
public struct Retransformation: Sendable {
    public let base: Double
    /// Duan's smearing factor.
    public let smearing: Double
    public let observed: [Double]
    public let fitted: [Double]
    public let baseline: Double
    /// 100 (b^effect − 1), per group and row.
    public let effectPercent: [[Double]]
    /// 100 (b^residual / S − 1).
    public let residualPercent: [Double]
    /// S · b^(baseline + Σ justified effects).
    public let justified: [Double]
    /// observed − justified.
    public let unjustified: [Double]

    public init(_ d: Decomposition, base: Double, weights: [Double]?) {
        let lb = log(base)
        func power(_ x: Double) -> Double { exp(x * lb) }
        var sw = 0.0, s = 0.0
        for (i, e) in d.residuals.enumerated() { let w = weights?[i] ?? 1; sw += w; s += w * power(e) }
        let smear = s / sw
        self.base = base
        smearing = smear
        observed = d.observed.map(power)
        fitted = d.fitted.map { smear * power($0) }
        baseline = smear * power(d.baseline)
        effectPercent = d.effects.map { $0.map { 100 * (power($0) - 1) } }
        residualPercent = d.residuals.map { 100 * (power($0) / smear - 1) }
        justified = d.justified.map { smear * power($0) }
        unjustified = zip(observed, justified).map { $0 - $1 }  // Unjustified.values, on the original scale
    }
}
