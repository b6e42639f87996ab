import VarexLinearAlgebra

/// B-spline bases as R's `splines::splineDesign`: the basis functions of order `order` on
/// `knots` (boundary knots repeated `order` times), and their derivatives, by the Cox–de Boor
/// recursion. x at the right boundary belongs to the last interval, as in R.
enum BSpline {
    /// The value of every basis function (or its `derivative`-th derivative) at x.
    static func basis(knots t: [Double], order k: Int, at x: Double, derivative: Int = 0) -> [Double] {
        let count = t.count - k
        // The interval j with t[j] ≤ x < t[j+1]; at the right boundary, the last non-empty one.
        let right = t[count]
        var j = -1
        if x == right {
            j = (0..<(t.count - 1)).last { t[$0] < t[$0 + 1] && t[$0 + 1] <= right } ?? -1
        } else {
            j = (0..<(t.count - 1)).last { t[$0] <= x && x < t[$0 + 1] } ?? -1
        }
        func b(_ i: Int, _ order: Int, _ d: Int) -> Double {
            if d > 0 {
                let left = t[i + order - 1] - t[i], rightSpan = t[i + order] - t[i + 1]
                let a = left > 0 ? Double(order - 1) / left * b(i, order - 1, d - 1) : 0
                let c = rightSpan > 0 ? Double(order - 1) / rightSpan * b(i + 1, order - 1, d - 1) : 0
                return a - c
            }
            if order == 1 { return i == j ? 1 : 0 }
            let left = t[i + order - 1] - t[i], rightSpan = t[i + order] - t[i + 1]
            let a = left > 0 ? (x - t[i]) / left * b(i, order - 1, 0) : 0
            let c = rightSpan > 0 ? (t[i + order] - x) / rightSpan * b(i + 1, order - 1, 0) : 0
            return a + c
        }
        return (0..<count).map { b($0, k, derivative) }
    }

    /// R's `quantile(x, probs)` (type 7), x sorted.
    static func quantiles(_ sorted: [Double], _ probs: [Double]) -> [Double] {
        let n = sorted.count
        return probs.map { p in
            let index = 1 + Double(max(n - 1, 0)) * p
            let lo = Int(index.rounded(.down)), hi = Int(index.rounded(.up))
            let q = sorted[lo - 1]
            let h = index - Double(lo)
            return index > Double(lo) && sorted[hi - 1] != q ? (1 - h) * q + h * sorted[hi - 1] : q
        }
    }
}

/// What `bs()` and `ns()` learned: the interior and boundary knots (R's `attr(, "knots")` and
/// `attr(, "Boundary.knots")`).
public struct SplineKnots: Sendable, Equatable, Codable {
    public let interior: [Double]
    public let boundary: [Double]
    public let degree: Int
    public let natural: Bool

    /// Knots at the quantiles of x: df − degree interior knots for `bs` (degree 3: df − 3), df − 1
    /// for `ns`, with the boundary at the range of x.
    static func learn(_ values: [Extended], df: Int, degree: Int, natural: Bool) -> SplineKnots {
        let x = values.map { Double($0) }.sorted()
        let interiorCount = natural ? df - 1 : max(df - (degree + 1) + 1, 0)
        let probs = (1...max(interiorCount, 1)).map { Double($0) / Double(interiorCount + 1) }
        let interior = interiorCount > 0 && !x.isEmpty ? BSpline.quantiles(x, probs) : []
        return SplineKnots(interior: interior, boundary: [x.first ?? .nan, x.last ?? .nan], degree: natural ? 3 : degree, natural: natural)
    }

    /// The basis columns for x (NaN rows for x outside the boundary knots).
    func columns(_ x: [Extended]) -> [[Extended]] {
        let order = degree + 1
        let knots = ([Double](repeating: boundary[0], count: order) + interior + [Double](repeating: boundary[1], count: order)).sorted()
        var rows: [[Double]] = x.map { xi in
            let v = Double(xi)
            guard v >= boundary[0], v <= boundary[1] else { return [] }
            return Array(BSpline.basis(knots: knots, order: order, at: v).dropFirst())
        }
        if natural {
            // R's ns(): the second derivatives at both boundaries, less the first basis function,
            // as constraints; the basis is Qᵀ (LINPACK's Householder) of them applied to each
            // row, less its first two entries.
            let c0 = Array(BSpline.basis(knots: knots, order: order, at: boundary[0], derivative: 2).dropFirst())
            let c1 = Array(BSpline.basis(knots: knots, order: order, at: boundary[1], derivative: 2).dropFirst())
            let m = c0.count
            let qr = LinpackQR(rows: m, columns: 2, columnMajor: c0 + c1)
            rows = rows.map { $0.isEmpty ? [] : Array(qr.qty($0).dropFirst(2)) }
        }
        let width = natural ? knots.count - order - 3 : knots.count - order - 1
        return (0..<width).map { j in rows.map { $0.isEmpty ? .nan : Extended($0[j]) } }
    }
}
