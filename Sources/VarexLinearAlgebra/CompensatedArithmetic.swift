/// Error-free transformations in ``Extended`` precision: a sum or product as its rounded value
/// plus the exact rounding error, so that dot products can be evaluated as if in twice the
/// extended precision (about 128 significant bits on x86-64).
///
/// Used by ``AugmentedSystem`` when refinement with plain extended-precision residuals stalls
/// short of convergence: there the residuals' own rounding, not the starting factorisation,
/// limits the answer, and it differs with the BLAS kernel that produced the factorisation.
/// Algorithms: Knuth's TwoSum, Veltkamp's split and Dekker's TwoProduct, and Ogita, Rump and
/// Oishi's Dot2 ("Accurate sum and dot product", SIAM J. Sci. Comput. 26, 2005).
enum Compensated {
    /// Veltkamp's splitting constant for a significand of `p` bits: 2^⌈p/2⌉ + 1.
    static let splitter: Extended = Extended(sign: .plus, exponent: (Extended.significandBitCount + 2) / 2, significand: 1) + 1

    /// a + b = s + e exactly, with s = fl(a + b).
    @inline(__always)
    static func twoSum(_ a: Extended, _ b: Extended) -> (sum: Extended, error: Extended) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    /// a = hi + lo exactly, each with at most half the significand's bits.
    @inline(__always)
    static func split(_ a: Extended) -> (hi: Extended, lo: Extended) {
        let c = splitter * a
        let hi = c - (c - a)
        return (hi, a - hi)
    }

    /// a · b = p + e exactly, with p = fl(a · b) (no overflow or underflow assumed).
    @inline(__always)
    static func twoProduct(_ a: Extended, _ b: Extended) -> (product: Extended, error: Extended) {
        let p = a * b
        let (ah, al) = split(a)
        let (bh, bl) = split(b)
        return (p, al * bl - (((p - ah * bh) - al * bh) - ah * bl))
    }

    /// An accumulator of a sum whose result is as accurate as if the terms were added in twice
    /// the working precision and then rounded (Dot2).
    struct Accumulator {
        private(set) var sum: Extended
        private var error: Extended = 0

        init(_ start: Extended = 0) { sum = start }

        /// Adds `a`.
        @inline(__always)
        mutating func add(_ a: Extended) {
            let (s, e) = Compensated.twoSum(sum, a)
            sum = s
            error += e
        }

        /// Adds `a · b` exactly (before the final rounding).
        @inline(__always)
        mutating func addProduct(_ a: Extended, _ b: Extended) {
            let (p, pe) = Compensated.twoProduct(a, b)
            let (s, se) = Compensated.twoSum(sum, p)
            sum = s
            error += pe + se
        }

        /// Adds `a · b` rounded once: for a term far below the sum, whose rounding error is
        /// below the accumulator's own.
        @inline(__always)
        mutating func addSmallProduct(_ a: Extended, _ b: Extended) { error += a * b }

        /// The sum rounded to extended precision.
        var value: Extended { sum + error }

        /// The sum as an unevaluated pair hi + lo, |lo| ≤ ulp(hi)/2.
        var pair: (hi: Extended, lo: Extended) {
            let hi = sum + error
            return (hi, error - (hi - sum))
        }
    }
}
