import Foundation

/// Minimises a smooth function of a few variables with lower bounds (some −∞): a Nelder–Mead
/// simplex kept inside the bounds finds the basin, then Newton steps on central-difference
/// derivatives polish the minimum to the accuracy the derivatives allow. A variable that
/// ends on its bound stays there (a variance at zero) only when the function rises on moving
/// it inward: otherwise the search goes on from the lower point inside.
///
/// The polish is what makes the estimates reproducible to 1e-8 or better: a simplex stops
/// where the function's changes fall below its tolerance, which for a quadratic minimum
/// leaves the arguments accurate only to the square root of it.
public struct BoundedMinimizer {
    /// The result: the argument, the minimum, and how many evaluations it took.
    public struct Result: Sendable {
        public let x: [Double]
        public let value: Double
        public let evaluations: Int
        /// Whether the simplex met its tolerance before the evaluation limit.
        public let converged: Bool
    }

    public var lower: [Double]
    /// Stop the simplex when its values differ by less than this (relative).
    public var valueTolerance = 1e-13
    public var maxEvaluations = 20_000

    public init(lower: [Double]) { self.lower = lower }

    public func minimize(start: [Double], _ f: ([Double]) -> Double) -> Result {
        var count = 0
        let clamp = { (x: [Double]) in zip(x, lower).map { max($0, $1) } }
        let g = { (x: [Double]) -> Double in count += 1; let v = f(clamp(x)); return v.isNaN ? .infinity : v }
        var (x, fx, converged) = simplex(start: clamp(start), g, count: { count })
        // Restart once from the best point: a simplex can collapse before the minimum.
        let again = simplex(start: x, g, count: { count })
        if again.value <= fx { (x, fx) = (again.x, again.value); converged = converged && again.converged }
        (x, fx) = polish(x, fx, g)
        // A variable on its bound may sit at a saddle, not a minimum: a variance's profiled
        // deviance is even in θ, so its slope at θ = 0 is zero whichever way it curves. Where
        // the function falls on moving inward, go on from the best such point; stop when no
        // bound variable has a way down (the minimum really is on the boundary).
        for _ in 0..<(2 * max(start.count, 1)) where count < maxEvaluations {
            guard let inward = Self.inwardDescent(x, fx, lower: lower, g) else { break }
            var (y, fy, c) = simplex(start: inward.x, g, count: { count })
            if inward.value < fy { (y, fy) = (inward.x, inward.value) }
            (y, fy) = polish(y, fy, g)
            guard fy < fx else { break }
            (x, fx, converged) = (y, fy, c)
        }
        return Result(x: clamp(x), value: fx, evaluations: count, converged: converged)
    }

    /// Steps inward, from 10⁻⁴ to 1 (times the variable's scale, at least 1), tried for each
    /// variable on its bound: the lowest point below `fx` by more than rounding, if any.
    static func inwardDescent(_ x: [Double], _ fx: Double, lower: [Double], _ f: ([Double]) -> Double) -> (x: [Double], value: Double)? {
        var best: (x: [Double], value: Double)? = nil
        let threshold = fx - 1e-10 * max(abs(fx), 1)
        for i in x.indices where lower[i].isFinite && x[i] - lower[i] <= 1e-8 * max(abs(lower[i]), 1) {
            let scale = max(abs(x[i]), 1)
            for step in [1e-4, 1e-3, 1e-2, 0.03, 0.1, 0.3, 1.0] {
                var y = x
                y[i] = lower[i] + step * scale
                let fy = f(y)
                if fy < min(threshold, best?.value ?? .infinity) { best = (y, fy) }
            }
        }
        return best
    }

    /// Nelder–Mead with the standard coefficients, each trial point moved inside the bounds.
    private func simplex(start: [Double], _ f: ([Double]) -> Double, count: () -> Int) -> (x: [Double], value: Double, converged: Bool) {
        let n = start.count
        guard n > 0 else { return (start, f(start), true) }
        let clamp = { (x: [Double]) in zip(x, self.lower).map { max($0, $1) } }
        var points = [start]
        for i in 0..<n {
            var p = start
            let step = start[i] == 0 ? 0.25 : 0.25 * abs(start[i])
            p[i] += step
            points.append(clamp(p))
        }
        var values = points.map(f)
        while count() < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            points = order.map { points[$0] }
            values = order.map { values[$0] }
            let spread = abs(values[n] - values[0])
            let size = points.dropFirst().map { p in zip(p, points[0]).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            if spread <= valueTolerance * (abs(values[0]) + 1e-10) && size < 1e-7 { return (points[0], values[0], true) }
            var centroid = [Double](repeating: 0, count: n)
            for p in points.dropLast() { for j in 0..<n { centroid[j] += p[j] / Double(n) } }
            func toward(_ t: Double) -> [Double] { clamp((0..<n).map { centroid[$0] + t * (points[n][$0] - centroid[$0]) }) }
            let reflected = toward(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = toward(-2), fe = f(expanded)
                if fe < fr { points[n] = expanded; values[n] = fe } else { points[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                points[n] = reflected; values[n] = fr
            } else {
                let contracted = fr < values[n] ? toward(-0.5) : toward(0.5)
                let fc = f(contracted)
                if fc < min(fr, values[n]) {
                    points[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        points[i] = clamp((0..<n).map { points[0][$0] + 0.5 * (points[i][$0] - points[0][$0]) })
                        values[i] = f(points[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (points[best], values[best], false)
    }

    /// Newton steps on the variables away from their bounds, with central-difference gradient
    /// and Hessian, each step halved until the function decreases.
    private func polish(_ start: [Double], _ fStart: Double, _ f: ([Double]) -> Double) -> ([Double], Double) {
        var x = start, fx = fStart
        for _ in 0..<30 {
            let h = x.map { 1e-4 * max(abs($0), 0.1) }
            let free = x.indices.filter { x[$0] - lower[$0] > 2 * h[$0] }
            guard !free.isEmpty else { break }
            let m = free.count
            var grad = [Double](repeating: 0, count: m)
            var hess = [Double](repeating: 0, count: m * m)
            func at(_ moves: [(Int, Double)]) -> Double {
                var y = x
                for (i, d) in moves { y[i] += d }
                return f(y)
            }
            for (a, i) in free.enumerated() {
                let fp = at([(i, h[i])]), fm = at([(i, -h[i])])
                grad[a] = (fp - fm) / (2 * h[i])
                hess[a + a * m] = (fp - 2 * fx + fm) / (h[i] * h[i])
                for (b, j) in free.enumerated() where b < a {
                    let v = (at([(i, h[i]), (j, h[j])]) - at([(i, h[i]), (j, -h[j])]) - at([(i, -h[i]), (j, h[j])])
                             + at([(i, -h[i]), (j, -h[j])])) / (4 * h[i] * h[j])
                    hess[a + b * m] = v
                    hess[b + a * m] = v
                }
            }
            guard let step = Self.solve(hess, grad, m) else { break }
            var t = 1.0
            var improved = false
            for _ in 0..<20 {
                var y = x
                for (a, i) in free.enumerated() { y[i] = max(lower[i], x[i] - t * step[a]) }
                let fy = f(y)
                if fy < fx { x = y; fx = fy; improved = true; break }
                t /= 2
            }
            let size = zip(step, free).map { abs($0.0 * t) / max(abs(x[$0.1]), 1) }.max() ?? 0
            if !improved || size < 1e-10 { break }
        }
        return (x, fx)
    }

    /// Solves the small symmetric system H s = g by Gaussian elimination with partial
    /// pivoting; nil when H is not positive definite along the solution (not a minimum).
    static func solve(_ h: [Double], _ g: [Double], _ m: Int) -> [Double]? {
        var a = h, b = g
        for k in 0..<m {
            guard let p = (k..<m).max(by: { abs(a[$0 + k * m]) < abs(a[$1 + k * m]) }), a[p + k * m] != 0 else { return nil }
            if p != k {
                for j in 0..<m { a.swapAt(k + j * m, p + j * m) }
                b.swapAt(k, p)
            }
            for i in (k + 1)..<m {
                let l = a[i + k * m] / a[k + k * m]
                for j in k..<m { a[i + j * m] -= l * a[k + j * m] }
                b[i] -= l * b[k]
            }
        }
        var s = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var v = b[i]
            for j in (i + 1)..<m { v -= a[i + j * m] * s[j] }
            s[i] = v / a[i + i * m]
        }
        guard zip(s, g).map({ $0 * $1 }).reduce(0, +) > 0 else { return nil }
        return s
    }
}
