/// Power-of-two column scaling: each column is multiplied by 2ᵏ so that its 2-norm lies in
/// [0.5, 1). Multiplying by a power of two is exact, so the scaled problem is the same problem
/// (no rounding), and every product or sum computed on unscaled data can be rescaled exactly.
enum ColumnScaling {
    /// The scale and the scaled norm of each column; throws on a non-finite element.
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
                    guard v.isFinite else { throw LinearAlgebraError.nonFinite("column \(j + 1), row \(i + 1)") }
                    biggest = max(biggest, abs(v))
                }
                guard biggest > 0 else { continue }
                var s = 0.0
                let inv = 1 / biggest
                for i in 0..<n { let v = col[i] * inv; s += v * v }
                let norm = biggest * s.squareRoot()
                scales[j] = Double(sign: .plus, exponent: -(norm.exponent + 1), significand: 1)
                norms[j] = norm * scales[j]
            }
        }
        return (scales, norms)
    }
}
