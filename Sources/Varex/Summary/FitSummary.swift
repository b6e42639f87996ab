#if canImport(Glibc)
import Glibc
#endif

/// Everything a summary shows about a fit, computed once: the "results" stage between the fit
/// and the writers (which never refit or recompute statistics).
public struct FitSummary: Sendable {
    public private(set) var formula: String
    public let response: String
    /// Observations used.
    public let n: Int
    /// Table rows left out, with reasons.
    public let dropped: [DroppedRow]
    public let rank: Int
    public let dfResidual: Int
    public private(set) var coefficients: [CoefficientRow]
    public let sigma: Double
    public let rSquared: Double
    public let adjustedRSquared: Double
    /// The overall F (or robust Wald) test; nil for an intercept-only model.
    public let overall: OverallTest?
    public let logLikelihood: Double
    public let aic: Double
    public let bic: Double
    /// R's `deviance(fit)`: the (weighted) residual sum of squares.
    public let deviance: Double
    public let covarianceType: CovarianceType
    public let level: Double
    public let isWeighted: Bool
    /// Min, 1Q, median, 3Q, max of the (weighted) residuals.
    public let residualQuantiles: [Double]
    /// The warnings R gives for the same fit (`summary.lm`, `sandwich::vcovHC`), in its words.
    public let warnings: [String]
    /// The sequential (`anova`) and Type II (`car::Anova`, with the chosen covariance) tables,
    /// when asked for.
    public let anova: (sequential: AnovaTable, typeII: AnovaTable)?
    /// The clustering columns and their numbers of clusters, for a clustered covariance.
    public let clusters: [(name: String, count: Int)]
    /// The absorbed factors (`--absorb`) with their levels, and the parameters they take.
    public private(set) var absorbed: [(name: String, levels: Int)]
    public private(set) var absorbedParameters: Int
    /// Terms the absorbed factors take entirely (constant within the levels of a factor): not
    /// estimable, each with the factors that absorb it.
    public let absorbedTerms: [(term: String, by: [String])]
    /// The df of the t and F tests (n − rank; G − 1 when clustered).
    public let testDegreesOfFreedom: Int

    public init(fit: LinearFit, covariance: CovarianceType = .classical, level: Double = 0.95, anova: Bool = false) throws {
        formula = fit.design.formula.text
        response = fit.design.responseLabel
        n = fit.n
        dropped = fit.design.dropped
        rank = fit.rank
        dfResidual = fit.dfResidual
        coefficients = try fit.coefficientTable(covariance: covariance, level: level)
        sigma = fit.sigma
        rSquared = fit.rSquared
        adjustedRSquared = fit.adjustedRSquared
        overall = try fit.overallTest(covariance: covariance)
        logLikelihood = fit.logLikelihood
        aic = fit.aic
        bic = fit.bic
        deviance = fit.weightedRSS
        covarianceType = covariance
        self.level = level
        isWeighted = fit.weights != nil
        residualQuantiles = Self.quantiles(fit.weightedResiduals, [0, 0.25, 0.5, 0.75, 1])
        warnings = Self.warnings(fit: fit, covariance: covariance)
        self.anova = anova ? (AnovaTable.sequential(fit), try AnovaTable.typeII(fit, covariance: covariance)) : nil
        clusters = covariance.isClustered ? zip(fit.design.clusters.map(\.name), fit.clusterCounts).map { ($0, $1) } : []
        testDegreesOfFreedom = fit.testDegreesOfFreedom(covariance)
        absorbed = fit.design.absorbed.map { a in zip(a.names, a.levels).map { ($0, $1) } } ?? []
        absorbedParameters = fit.absorbedParameters
        absorbedTerms = fit.design.absorbed?.absorbedColumns.map { (fit.design.columnNames[$0.column], $0.by) } ?? []
    }

    /// A summary from its parts (a fit that never held every row: ``StreamingFit``).
    init(formula: String, response: String, n: Int, dropped: [DroppedRow], rank: Int, coefficients: [CoefficientRow],
         sigma: Double, rSquared: Double, adjustedRSquared: Double, overall: OverallTest?, logLikelihood: Double,
         aic: Double, bic: Double, deviance: Double, level: Double, residualQuantiles: [Double], warnings: [String],
         covariance: CovarianceType = .classical, clusters: [(name: String, count: Int)] = [], testDegreesOfFreedom: Int? = nil,
         anova: (sequential: AnovaTable, typeII: AnovaTable)? = nil) {
        self.formula = formula
        self.response = response
        self.n = n
        self.dropped = dropped
        self.rank = rank
        dfResidual = n - rank
        self.coefficients = coefficients
        self.sigma = sigma
        self.rSquared = rSquared
        self.adjustedRSquared = adjustedRSquared
        self.overall = overall
        self.logLikelihood = logLikelihood
        self.aic = aic
        self.bic = bic
        self.deviance = deviance
        covarianceType = covariance
        self.level = level
        isWeighted = false
        self.residualQuantiles = residualQuantiles
        self.warnings = warnings
        self.anova = anova
        self.clusters = clusters
        self.testDegreesOfFreedom = testDegreesOfFreedom ?? n - rank
        absorbed = []
        absorbedParameters = 0
        absorbedTerms = []
    }

    /// This summary of a fit whose design codes absorbed factors as dummy columns (a streamed
    /// fit), shown as an absorbed fit shows it: `formula` as given, the dummies' rows and the
    /// intercept left out, the factors named with their levels and the parameters those
    /// columns took. The other statistics are those of the fit with the dummies (`lm` with
    /// `factor(F)`), which the absorbed fit's coefficients and residuals equal.
    public func absorbing(_ factors: [(name: String, levels: Int)], formula: String, isDummy: (String) -> Bool) -> FitSummary {
        var s = self
        let taken = coefficients.map { isDummy($0.term) || $0.term == "(Intercept)" }
        s.formula = formula
        s.coefficients = coefficients.indices.filter { !taken[$0] }.map { coefficients[$0] }
        s.absorbed = factors
        s.absorbedParameters = coefficients.indices.filter { taken[$0] && !coefficients[$0].isAliased }.count
        return s
    }

    /// A last refinement correction above this (relative) is reported: the solution may then be
    /// good to fewer than 10 digits, the accuracy Varex claims.
    static let refinementWarning = 1e-10

    /// R's warnings: `summary.lm`'s "essentially perfect fit" when σ̂² < (mean(ŷ)² + var(ŷ))·1e-30,
    /// and `vcovHC`'s for HC2/HC3 when a leverage exceeds 1 − √ε (rows as data rows, 1-based).
    static func warnings(fit: LinearFit, covariance: CovarianceType) -> [String] {
        var out: [String] = []
        let f = fit.fitted
        if fit.residualVariance.isFinite, f.count > 1 {
            let mean = f.reduce(0, +) / Double(f.count)
            let variance = f.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(f.count - 1)
            if fit.residualVariance < (mean * mean + variance) * 1e-30 {
                out.append("essentially perfect fit: summary may be unreliable")
            }
        }
        // Refinement that stopped while its corrections were still large leaves fewer digits.
        if fit.refinementCorrection > Self.refinementWarning {
            let correction = NumberFormat.significant(fit.refinementCorrection, 2)
            let digits = max(0, Int(-log10(fit.refinementCorrection)))
            let condition = NumberFormat.significant(fit.conditionEstimate, 2)
            out.append("iterative refinement stalled (its last correction was \(correction) of the largest coefficient): the coefficients "
                + "may be accurate to only about \(digits) significant digits; the design is nearly singular (condition estimate \(condition))")
        }
        let unstable = fit.unstableLeverageRows(for: covariance)
        if !unstable.isEmpty {
            var rows = unstable.prefix(10).map { String(fit.design.rows[$0] + 1) }
            if unstable.count > 10 { rows.append("...") }
            out.append("\(covariance.rawValue) covariances become numerically unstable if hat values are close to 1 as for observations \(rows.joined(separator: ", "))")
        }
        if let a = fit.design.absorbed, !a.parametersExact {
            out.append("the residual df count \(a.parameters) parameters for the \(a.names.count) absorbed factors, an upper bound (as reghdfe "
                + "counts them): exact for the two largest, one redundant level for each other factor; with more than "
                + "\(a.exactParameterLimit) levels outside the largest factor the exact rank is not computed, so the SEs may be slightly conservative")
        }
        return out
    }

    /// Sample quantiles by R's default method (type 7). Only the order statistics the
    /// probabilities need are put in place (a selection, not a sort of a million residuals).
    public static func quantiles(_ values: [Double], _ probs: [Double]) -> [Double] {
        guard !values.isEmpty else { return probs.map { _ in .nan } }
        let n = values.count
        let places = probs.map { p -> (lo: Int, hi: Int, h: Double) in
            let h = Double(n - 1) * p
            let lo = Int(h.rounded(.down))
            return (lo, min(lo + 1, n - 1), h)
        }
        var s = values
        if s.contains(where: \.isNaN) {
            s.sort()
        } else {
            select(&s, ranks: Set(places.flatMap { [$0.lo, $0.hi] }).sorted())
        }
        return places.map { s[$0.lo] + ($0.h - Double($0.lo)) * (s[$0.hi] - s[$0.lo]) }
    }

    /// Rearranges `a` so that each of `ranks` (ascending) holds the value a sort would put there.
    static func select(_ a: inout [Double], ranks: [Int]) {
        a.withUnsafeMutableBufferPointer { b in
            // Each range with the ranks inside it, narrowed by partitioning around a middle value.
            var work: [(lo: Int, hi: Int, ranks: ArraySlice<Int>)] = [(0, b.count - 1, ranks[...])]
            while let (lo, hi, wanted) = work.popLast() {
                guard lo < hi, !wanted.isEmpty else { continue }
                let pivot = Swift.max(Swift.min(b[lo], b[hi]), Swift.min(Swift.max(b[lo], b[hi]), b[(lo + hi) / 2]))
                var i = lo, j = hi
                while i <= j {
                    while b[i] < pivot { i += 1 }
                    while b[j] > pivot { j -= 1 }
                    if i <= j { b.swapAt(i, j); i += 1; j -= 1 }
                }
                // Now lo...j ≤ pivot ≤ i...hi, and j < k < i hold the pivot itself.
                work.append((lo, j, wanted.filter { $0 <= j }[...]))
                work.append((i, hi, wanted.filter { $0 >= i }[...]))
            }
        }
    }

    /// Number of aliased (not estimable) coefficients.
    public var aliasedCount: Int { coefficients.filter(\.isAliased).count }
}
