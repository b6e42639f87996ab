import Testing
@testable import Varex

/// Residual quantiles by selection equal R's type-7 quantiles of the sorted values, for sizes
/// from 1 up, with ties, and with NaN (sorted, as before).
struct QuantileTests {
    static func typeSeven(_ x: [Double], _ p: Double) -> Double {
        let s = x.sorted()
        let h = Double(s.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = Swift.min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    @Test func selectionGivesTheSortedQuantiles() {
        var rng = SplitMix(seed: 7)
        let probs = [0, 0.25, 0.5, 0.75, 1, 0.1, 0.999]
        for n in [1, 2, 3, 4, 5, 7, 10, 33, 100, 1000, 4097, 20000] {
            for ties in [false, true] {
                let x = (0..<n).map { _ -> Double in
                    let u = Double(rng.next() >> 11) / Double(1 << 53) - 0.5
                    return ties ? (u * 8).rounded() : u
                }
                let got = FitSummary.quantiles(x, probs)
                for (k, p) in probs.enumerated() { #expect(got[k] == Self.typeSeven(x, p), "n \(n) ties \(ties) p \(p)") }
            }
        }
        #expect(FitSummary.quantiles([], [0.5])[0].isNaN)
        #expect(FitSummary.quantiles([3, 1, 2], [0, 0.5, 1]) == [1, 2, 3])
    }
}
