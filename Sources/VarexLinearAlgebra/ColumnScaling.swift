/// Power-of-two column scaling: each column is multiplied by 2ᵏ so that its 2-norm lies in
/// [0.5, 1). Multiplying by a power of two is exact, so the scaled problem is the same problem
/// (no rounding), and every product or sum computed on unscaled data can be rescaled exactly.
enum ColumnScaling {
    /// The scale and the scaled norm of each column; throws on a non-finite element, and on a
    /// column whose scale is not a representable power of two (values near 1e-308 or below).
    ///
    /// The norm is formed as 2^E · m, E the exponent of the largest element and m ∈ [1, 2√n), so
    /// neither a column near the largest double nor one of subnormal values overflows on the way.
    static func powerOfTwo(_ x: Matrix) throws -> (scales: [Double], scaledNorms: [Double]) {
        let n = x.rows, p = x.columns
        var scales = [Double](repeating: 1, count: p)
        var norms = [Double](repeating: 0, count: p)
        try x.storage.withUnsafeBufferPointer { buf in
            for j in 0..<p {
                let col = buf.baseAddress! + j * n
                var biggest = 0.0
                for i in 0..<n {
                    let v = col[i]
                    guard v.isFinite else { throw LinearAlgebraError.nonFiniteElement(row: i, column: j) }
                    biggest = max(biggest, abs(v))
                }
                guard biggest > 0 else { continue }
                guard biggest.isNormal else { throw LinearAlgebraError.unscalableColumn(j) }
                let inv = 1 / biggest
                var s = 0.0
                if inv.isFinite {
                    for i in 0..<n { let v = col[i] * inv; s += v * v }
                    let norm = biggest * s.squareRoot()
                    if norm.isFinite, -(Int(norm.exponent) + 1) <= Int(Double.greatestFiniteMagnitude.exponent) {
                        scales[j] = Double(sign: .plus, exponent: -(norm.exponent + 1), significand: 1)
                        norms[j] = norm * scales[j]
                        continue
                    }
                }
                // Near the ends of the double range: the norm as 2^e · m, e the exponent of the
                // largest element and m = ‖x · 2^-e‖ ∈ [1, 2√n), each x · 2^-e formed exactly.
                let e = biggest.exponent
                s = 0
                for i in 0..<n where col[i] != 0 {
                    let w = Double(sign: col[i].sign, exponent: col[i].exponent - e, significand: col[i].significand)
                    s += w * w
                }
                let m = s.squareRoot()
                let k = -(Int(e) + Int(m.exponent) + 1)
                guard k >= Int(Double.leastNonzeroMagnitude.exponent), k <= Int(Double.greatestFiniteMagnitude.exponent) else {
                    throw LinearAlgebraError.unscalableColumn(j)
                }
                scales[j] = Double(sign: .plus, exponent: Double.Exponent(k), significand: 1)
                norms[j] = m.significand / 2  // ‖x‖ · 2^k = m · 2^-(exponent of m + 1), in [0.5, 1)
            }
        }
        return (scales, norms)
    }
}
