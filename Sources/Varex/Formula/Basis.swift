import VarexLinearAlgebra

/// A data-dependent transform of one numeric argument into one or more columns, as R's
/// `poly()` and `scale()` are: the parameters are learned from the data the model is fitted to
/// (every row of it where the argument has a value, as R's model frame evaluates them before
/// rows with other missing values are dropped) and kept, so new rows are coded the same way
/// (R's `makepredictcall`).
public struct Basis: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `poly(x, degree)`: orthogonal polynomials; `raw = TRUE`: x, x², … x^degree.
        case poly(degree: Int, raw: Bool)
        /// `scale(x)`: (x − mean) / sd.
        case scale
        /// `bs(x, df, degree)`: a B-spline basis; `ns(x, df)`: a natural cubic spline basis.
        case spline(df: Int, degree: Int, natural: Bool)
    }
    public let kind: Kind
    public let argument: Expression
}

/// What a ``Basis`` learned from the data.
public enum BasisParameters: Sendable, Equatable, Codable {
    /// The three-term recurrence of orthogonal polynomials (R's `attr(, "coefs")`): alpha
    /// (degree values) and norm2 (degree + 2 values, the first two 1 and n).
    case orthogonalPolynomial(alpha: [Double], norm2: [Double])
    case rawPolynomial(degree: Int)
    case scale(center: Double, scale: Double)
    case spline(SplineKnots)

    /// Learns the parameters of `basis` from `values` (the argument's finite values).
    static func learn(_ basis: Basis, from values: [Extended]) -> BasisParameters {
        switch basis.kind {
        case let .poly(degree, raw):
            if raw { return .rawPolynomial(degree: degree) }
            // Stieltjes: P₀ = 1, P₁ = x − α₁, P_{k+1} = (x − α_{k+1}) P_k − (n_{k+1}/n_k) P_{k−1},
            // α_{k+1} = Σ x P_k² / Σ P_k², n_k = Σ P_{k−1}² (R's norm2), in extended precision.
            let n = values.count
            var norm2: [Extended] = [1, Extended(n)]
            var alpha: [Extended] = []
            var previous = [Extended](repeating: 0, count: n)
            var current = [Extended](repeating: 1, count: n)
            for k in 0..<degree {
                var sxp: Extended = 0, sp: Extended = 0
                for i in 0..<n { let p2 = current[i] * current[i]; sxp += values[i] * p2; sp += p2 }
                let a = sxp / sp
                alpha.append(a)
                let ratio = norm2[k + 1] / norm2[k]
                var next = [Extended](repeating: 0, count: n)
                for i in 0..<n { next[i] = (values[i] - a) * current[i] - (k == 0 ? 0 : ratio * previous[i]) }
                var s: Extended = 0
                for v in next { s += v * v }
                norm2.append(s)
                previous = current
                current = next
            }
            return .orthogonalPolynomial(alpha: alpha.map { Double($0) }, norm2: norm2.map { Double($0) })
        case .scale:
            let n = Extended(values.count)
            var sum: Extended = 0
            for v in values { sum += v }
            let mean = sum / n
            var ss: Extended = 0
            for v in values { ss += (v - mean) * (v - mean) }
            return .scale(center: Double(mean), scale: Double((ss / (n - 1)).squareRoot()))
        case let .spline(df, degree, natural):
            return .spline(SplineKnots.learn(values, df: df, degree: degree, natural: natural))
        }
    }

    /// The columns for argument values `x`, with the suffix R appends to the term's name.
    func columns(_ x: [Extended]) -> [(suffix: String, values: [Extended])] {
        switch self {
        case let .rawPolynomial(degree):
            return (1...degree).map { k in (String(k), x.map { Expression.power($0, Extended(k)) }) }
        case let .scale(center, scale):
            return [("", x.map { ($0 - Extended(center)) / Extended(scale) })]
        case let .spline(knots):
            return knots.columns(x).enumerated().map { (String($0.offset + 1), $0.element) }
        case let .orthogonalPolynomial(alpha, norm2):
            // R's predict.poly: the recurrence with the learned alpha and norm2, then each
            // column divided by √norm2.
            let degree = alpha.count
            var out: [(String, [Extended])] = []
            var previous = [Extended](repeating: 1, count: x.count)
            var current = x.map { $0 - Extended(alpha[0]) }
            out.append(("1", current.map { $0 / Extended(norm2[2]).squareRoot() }))
            if degree >= 2 {
                for k in 1..<degree {
                    let ratio = Extended(norm2[k + 1]) / Extended(norm2[k])
                    let next = x.indices.map { i in (x[i] - Extended(alpha[k])) * current[i] - ratio * previous[i] }
                    out.append((String(k + 1), next.map { $0 / Extended(norm2[k + 2]).squareRoot() }))
                    previous = current
                    current = next
                }
            }
            return out
        }
    }
}
