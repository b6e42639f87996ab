/// Nested linear models compared by F tests, as R's `anova(m1, m2, ...)`: each model against the
/// one before it, every F on the scale (RSS / residual df) of the model with the fewest residual
/// degrees of freedom.
public struct ModelComparison: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public let dfResidual: Int
        public let rss: Double
        /// Against the model before (nil on the first row).
        public let df: Int?
        public let sumOfSquares: Double?
        /// nil on the first row and where the models have the same residual df (R's NA).
        public let f: Double?
        public let pValue: Double?
    }
    public let rows: [Row]
    /// The test: F for linear models and GLMs with an estimated dispersion, χ² for binomial
    /// and Poisson GLMs (each row's `f` then holds the deviance over the dispersion).
    public var test: DevianceTable.Test = .f

    /// Nested GLMs by their deviances, as R's `anova(m1, m2, ..., test = ...)` (anova.glmlist):
    /// `dispersion` is the biggest model's (the one with the fewest residual df); χ² on the
    /// deviance drop over it, or F on (drop / df) / dispersion with that model's residual df.
    public init(deviances models: [(deviance: Double, dfResidual: Int)], dispersion: Double, test: DevianceTable.Test) {
        let big = models.map(\.dfResidual).min()!
        var rows: [Row] = []
        for (i, m) in models.enumerated() {
            guard i > 0 else {
                rows.append(Row(dfResidual: m.dfResidual, rss: m.deviance, df: nil, sumOfSquares: nil, f: nil, pValue: nil))
                continue
            }
            let df = models[i - 1].dfResidual - m.dfResidual
            let drop = models[i - 1].deviance - m.deviance
            let (statistic, p) = DevianceTable.test(test, drop: drop, df: abs(df), dispersion: dispersion,
                                                    dfResidual: big)
            rows.append(Row(dfResidual: m.dfResidual, rss: m.deviance, df: df, sumOfSquares: drop, f: statistic, pValue: p))
        }
        self.rows = rows
        self.test = test
    }

    /// A comparison with the given rows (none, for a kind compared otherwise).
    public init(rows: [Row]) { self.rows = rows }

    /// `models` in the order given: each model's residual sum of squares and degrees of freedom.
    public init(models: [(rss: Double, dfResidual: Int)]) {
        let big = models.indices.min { models[$0].dfResidual < models[$1].dfResidual }!
        let scale = models[big].rss / Double(models[big].dfResidual)
        let dfScale = Double(models[big].dfResidual)
        var rows: [Row] = []
        for (i, m) in models.enumerated() {
            guard i > 0 else {
                rows.append(Row(dfResidual: m.dfResidual, rss: m.rss, df: nil, sumOfSquares: nil, f: nil, pValue: nil))
                continue
            }
            let df = models[i - 1].dfResidual - m.dfResidual
            let ss = models[i - 1].rss - m.rss
            var f: Double? = (ss / Double(df)) / scale
            if df == 0 || (f ?? 0) < 0 || models[big].dfResidual == 0 { f = nil }
            let p = f.map { FDistribution(df1: Double(abs(df)), df2: dfScale).survival($0) }
            rows.append(Row(dfResidual: m.dfResidual, rss: m.rss, df: df, sumOfSquares: ss, f: f, pValue: p))
        }
        self.rows = rows
    }
}
