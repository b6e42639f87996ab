/// R's `influence.measures()$is.inf` rule for one model, its cut-offs worked out once:
/// |dfbetas| > 1, |dffits| > 3√(k/(n−k)), |1 − covratio| > 3k/(n−k), pf(cook, k, n−k) > 0.5,
/// h > 3k/n.
///
/// The F probability is monotone in Cook's distance, so `pf(cook) > 0.5` is `cook` above the F
/// median; only a distance within a relative 10⁻⁶ of the median has its probability computed, so
/// a million rows cost one quantile instead of a million incomplete beta functions, with the same
/// answer as the direct test.
public struct InfluenceFlag: Sendable {
    let dffitsCut: Double
    let covratioCut: Double
    let leverageCut: Double
    let fdist: FDistribution
    let cookMedian: Double

    /// The rule for `k` estimated coefficients and `n` rows.
    public init(parameters k: Double, n: Int) {
        let nn = Double(n)
        dffitsCut = 3 * (k / (nn - k)).squareRoot()
        covratioCut = 3 * k / (nn - k)
        leverageCut = 3 * k / nn
        fdist = FDistribution(df1: k, df2: nn - k)
        cookMedian = fdist.quantile(0.5)
    }

    /// Whether a row with these measures is flagged; `largestDFBetas` is its largest |DFBETAS|
    /// (0 when none is computed; NaN never flags, as in R).
    @inline(__always)
    public func isInfluential(h: Double, cook: Double, dffits: Double, covratio: Double, largestDFBetas: Double) -> Bool {
        abs(dffits) > dffitsCut || abs(1 - covratio) > covratioCut || cookAboveMedian(cook) || h > leverageCut
            || largestDFBetas > 1
    }

    @inline(__always)
    func cookAboveMedian(_ cook: Double) -> Bool {
        guard cookMedian.isFinite, abs(cook - cookMedian) > 1e-6 * cookMedian else { return fdist.cdf(cook) > 0.5 }
        return cook > cookMedian
    }
}
