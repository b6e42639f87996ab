/// Numerical derivatives by central differences with Richardson extrapolation (four step
/// sizes, each half the last; the h², h⁴ and h⁶ error terms eliminated), as numDeriv's
/// `jacobian` and `hessian` compute them in R. Steps start at `relativeStep` × |x| (or
/// `relativeStep` where |x| < 1).
public enum Richardson {
    static let relativeStep = 1e-2
    static let levels = 4

    static func step(_ x: Double) -> Double { relativeStep * max(abs(x), 1) }

    /// Extrapolates estimates made with steps h, h/2, h/4, … whose error is a series in h².
    static func extrapolate(_ estimates: [[Double]]) -> [Double] {
        var table = estimates
        var power = 4.0
        while table.count > 1 {
            var next: [[Double]] = []
            for k in 0..<(table.count - 1) {
                var row: [Double] = []
                for (coarse, fine) in zip(table[k], table[k + 1]) { row.append((power * fine - coarse) / (power - 1)) }
                next.append(row)
            }
            table = next
            power *= 4
        }
        return table[0]
    }

    /// ∂f/∂x_i of a vector-valued f.
    public static func derivative(_ f: ([Double]) -> [Double], at x: [Double], coordinate i: Int) -> [Double] {
        var h = step(x[i])
        var estimates: [[Double]] = []
        for _ in 0..<levels {
            var up = x, down = x
            up[i] += h; down[i] -= h
            estimates.append(zip(f(up), f(down)).map { ($0 - $1) / (2 * h) })
            h /= 2
        }
        return extrapolate(estimates)
    }

    /// The Hessian of a scalar f, row-major.
    public static func hessian(_ f: ([Double]) -> Double, at x: [Double]) -> [[Double]] {
        hessian(f, at: x, steps: x.map(step))
    }

    /// The Hessian of a scalar f, row-major, with each coordinate's first step given: a scale
    /// on which f changes smoothly (as a parameter's standard error), where |x| is not one.
    public static func hessian(_ f: ([Double]) -> Double, at x: [Double], steps: [Double]) -> [[Double]] {
        let n = x.count
        let f0 = f(x)
        var out = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var hi = steps[i], hj = steps[j]
                var estimates: [[Double]] = []
                for _ in 0..<levels {
                    func at(_ a: Double, _ b: Double) -> Double {
                        var y = x
                        y[i] += a
                        y[j] += b
                        return f(y)
                    }
                    if i == j {
                        estimates.append([(at(hi, 0) - 2 * f0 + at(-hi, 0)) / (hi * hi)])
                    } else {
                        estimates.append([(at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4 * hi * hj)])
                    }
                    hi /= 2; hj /= 2
                }
                out[i][j] = extrapolate(estimates)[0]
                out[j][i] = out[i][j]
            }
        }
        return out
    }
}
