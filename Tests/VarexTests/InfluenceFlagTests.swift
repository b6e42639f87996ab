import Testing
@testable import Varex

/// The flag's Cook's distance test, worked out once as "above the F median", answers as R's
/// `pf(cook, k, n − k) > 0.5` does, row by row, including distances at the median itself; the
/// other cut-offs are influence.measures' own (the flags are pinned to R in `ReferenceTests`).
struct InfluenceFlagTests {
    @Test(arguments: [(3.0, 10), (7.0, 152), (21.0, 1_000_000), (1.0, 4)])
    func cooksTestIsTheFProbability(k: Double, n: Int) {
        let rule = InfluenceFlag(parameters: k, n: n)
        let fdist = FDistribution(df1: k, df2: Double(n) - k)
        let median = rule.cookMedian
        #expect(abs(fdist.cdf(median) - 0.5) < 1e-9)
        var cooks = [0, median, median * (1 + 1e-12), median * (1 - 1e-12), median * (1 + 1e-7), median * (1 - 1e-7),
                     median * 1.01, median * 0.99, .nan, .infinity]
        for j in 0..<2000 { cooks.append(Double(j) / 1000 * median) }
        for cook in cooks {
            // Leverage, DFFITS and COVRATIO well inside their cut-offs, so only Cook's distance decides.
            let flagged = rule.isInfluential(h: 0, cook: cook, dffits: 0, covratio: 1, largestDFBetas: 0)
            #expect(flagged == (fdist.cdf(cook) > 0.5), "cook \(cook), median \(median)")
        }
    }

    @Test func eachCutOffIsInfluenceMeasures() {
        let k = 7.0, n = 152
        let rule = InfluenceFlag(parameters: k, n: n)
        let nn = Double(n)
        let quiet = (h: 0.0, cook: 0.0, dffits: 0.0, covratio: 1.0, dfb: 0.0)
        func flag(h: Double = quiet.h, dffits: Double = quiet.dffits, covratio: Double = quiet.covratio, dfb: Double = quiet.dfb) -> Bool {
            rule.isInfluential(h: h, cook: quiet.cook, dffits: dffits, covratio: covratio, largestDFBetas: dfb)
        }
        #expect(!flag())
        let dffitsCut = 3 * (k / (nn - k)).squareRoot(), covCut = 3 * k / (nn - k), hCut = 3 * k / nn
        #expect(flag(dffits: -dffitsCut * 1.0001) && !flag(dffits: dffitsCut * 0.9999))
        #expect(flag(covratio: 1 + covCut * 1.0001) && flag(covratio: 1 - covCut * 1.0001) && !flag(covratio: 1 + covCut * 0.9999))
        #expect(flag(h: hCut * 1.0001) && !flag(h: hCut * 0.9999))
        #expect(flag(dfb: 1.0001) && !flag(dfb: 1) && !flag(dfb: .nan))
    }
}
