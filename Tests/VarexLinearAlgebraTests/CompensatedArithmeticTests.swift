import Testing
@testable import VarexLinearAlgebra

#if arch(x86_64) || arch(i386)
/// The error-free transformations behind the second refinement phase, checked against exact
/// integer arithmetic: whole numbers below 2⁶³ are exact in `Float80`, their product is exact in
/// 128 bits (`multipliedFullWidth`), and p + e must equal it to the last bit.
struct CompensatedArithmeticTests {
    /// An exact Float80 (|value| < 2¹²⁷) as a signed 128-bit integer (high, low words).
    static func integer(_ v: Float80) -> (negative: Bool, high: UInt64, low: UInt64) {
        let m = v.magnitude
        guard m >= 1 else { return (false, 0, 0) }
        let shift = Int(m.exponent) - 63
        let significand = m.significandBitPattern | (1 << 63) // explicit integer bit of the x87 format
        if shift <= 0 { return (v < 0, 0, significand >> UInt64(-shift)) }
        let low = shift >= 64 ? 0 : significand << UInt64(shift)
        let high = shift >= 64 ? significand << UInt64(shift - 64) : significand >> UInt64(64 - shift)
        return (v < 0, high, low)
    }

    /// hi + lo as a 128-bit magnitude, both non-negative whole numbers with hi ≥ |lo|.
    static func sum(_ hi: Float80, _ lo: Float80) -> (high: UInt64, low: UInt64) {
        let a = integer(hi), b = integer(lo)
        if b.negative {
            let (l, borrow) = a.low.subtractingReportingOverflow(b.low)
            return (a.high &- b.high &- (borrow ? 1 : 0), l)
        }
        let (l, carry) = a.low.addingReportingOverflow(b.low)
        return (a.high &+ b.high &+ (carry ? 1 : 0), l)
    }

    @Test func twoProductIsExact() {
        var g = SplitMix(seed: 19)
        for trial in 0..<20_000 {
            // Factors of 20 to 63 bits, so products range from exact in 64 bits to 126 bits.
            let a = g.next() >> (1 + g.next() % 44), b = g.next() >> (1 + g.next() % 44)
            let (p, e) = Compensated.twoProduct(Float80(a), Float80(b))
            let want = a.multipliedFullWidth(by: b)
            let got = Self.sum(p, e)
            #expect(got.high == want.high && got.low == want.low, "trial \(trial): \(a) × \(b)")
            if got.high != want.high || got.low != want.low { return }
        }
    }

    @Test func twoSumIsExact() {
        var g = SplitMix(seed: 7)
        for _ in 0..<20_000 {
            // A sum of a large and a small whole number, whose exact value needs more than 64 bits.
            let a = Float80(g.next() >> 1) * 0x1p40, b = Float80(g.next() >> (1 + g.next() % 60))
            let (s, e) = Compensated.twoSum(a, b)
            let got = Self.sum(s, e)
            let ai = Self.integer(a)
            let (l, carry) = ai.low.addingReportingOverflow(UInt64(b))
            #expect(got.high == ai.high &+ (carry ? 1 : 0) && got.low == l)
        }
    }

    /// A dot product whose terms cancel to a tiny remainder: plain extended accumulation loses
    /// it, the accumulator finds it exactly (integers again, so the exact answer is known).
    @Test func accumulatorKeepsWhatCancels() {
        // (2⁶²+1)(2⁶²−1) − 2¹²⁴ + 7 = 6 exactly; the products need 125 bits.
        var acc = Compensated.Accumulator(7)
        acc.addProduct(0x1p62 + 1, 0x1p62 - 1)
        acc.addProduct(-0x1p62, 0x1p62)
        #expect(acc.value == 6)
        var plain: Float80 = 7
        plain += (0x1p62 + 1) * (0x1p62 - 1)
        plain += -0x1p62 * 0x1p62
        #expect(plain != 6) // the reason the accumulator exists
        let pair = acc.pair
        #expect(pair.hi == 6 && pair.lo == 0)
    }
}
#endif
