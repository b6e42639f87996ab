import Varex
/// What to shrink, and where its sampling variance comes from.
public struct ShrinkageRequest: Sendable {
    public enum Variance: Sendable, Equatable {
        case standardError(String)
        case marginOfError(String)
        case variance(String)
    }
    public var estimate: String
    public var variance: Variance
    /// Fix the prior mean (e.g. 0 for residuals) instead of estimating it.
    public var fixedMean: Double?

    public init(estimate: String, variance: Variance, fixedMean: Double? = nil) {
        self.estimate = estimate
        self.variance = variance
        self.fixedMean = fixedMean
    }
}

/// Empirical-Bayes shrinkage over a table's rows; rows missing the estimate or its variance are
/// left out and listed.
public struct ShrinkageAnalysis: Sendable {
    public let shrinkage: Shrinkage
    public let rows: [Int]
    public let leftOut: [DroppedRow]

    /// `leftOut` rows (by `--exclude` or `--subset`) are left out before anything is estimated.
    public init(table: Table, request r: ShrinkageRequest, leftOut: [Int: String] = [:]) throws {
        let name: String
        switch r.variance {
        case let .standardError(c), let .marginOfError(c), let .variance(c): name = c
        }
        let (y, v, rows, dropped) = try EstimateRows.select(table: table, estimate: r.estimate, precision: name, leftOut: leftOut)
        let q = Normal.quantile(0.975)
        let variances: [Double] = rows.map { i in
            let x = Double(v.values[i])
            switch r.variance {
            case .standardError: return x * x
            case .marginOfError: return (x / q) * (x / q)
            case .variance: return x
            }
        }
        shrinkage = Shrinkage(estimates: rows.map { Double(y.values[$0]) }, variances: variances, fixedMean: r.fixedMean)
        self.rows = rows
        self.leftOut = dropped
    }
}
