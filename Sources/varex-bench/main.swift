// Benchmark (b): fit a synthetic n × p design generated in memory through the library API,
// with fitted values, leverage and studentized residuals computed (not written out).
// Prints one JSON line: seconds (fit only, not generation), peak RSS, method, and a checksum
// of the coefficients for comparison with the numpy/statsmodels runs of the same design.
//
// Usage: varex-bench [n] [p]        (default 1000000 50)
//        varex-bench mixed [n]      (benchmark (d2), MixedBench.swift)
// The design: x[i][0] = 1; x[i][j] = ((i·(2j+1)·7919 + 13j) mod 10007)/10007 − 0.5;
// y[i] = Σⱼ 0.01·(j+1)·x[i][j] + ((i·104729) mod 9973)/9973 − 0.5 (benchmarks/design.py makes the same).
import Varex
import VarexAnalysis
import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

let args = CommandLine.arguments
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
if args.count > 1 && args[1] == "mixed" {
    try mixedBenchmark(n: args.count > 2 ? Int(args[2])! : 1_000_000)
    exit(0)
}
let n = args.count > 1 ? Int(args[1])! : 1_000_000
let p = args.count > 2 ? Int(args[2])! : 50

var x = Matrix(rows: n, columns: p)
var y = [Double](repeating: 0, count: n)
x.storage.withUnsafeMutableBufferPointer { xb in
    for j in 0..<p {
        let col = xb.baseAddress! + j * n
        if j == 0 { for i in 0..<n { col[i] = 1 }; continue }
        let a = (2 * j + 1) * 7919, c = 13 * j
        for i in 0..<n {
            let k: Int = (i * a + c) % 10007
            col[i] = Double(k) / 10007 - 0.5
        }
    }
}
for i in 0..<n {
    var s = Double((i * 104729) % 9973) / 9973 - 0.5
    for j in 0..<p { s += 0.01 * Double(j + 1) * x.storage[i + j * n] }
    y[i] = s
}

let start = now()
let solution = try LeastSquares.solve(x, y)
let fitted = (0..<n).map { y[$0] - solution.residuals[$0] }
let leverage = try solution.leverage(of: x)
let (_, studentized) = InfluenceMeasures.studentized(weightedResiduals: solution.residuals, leverage: leverage,
                                                     rss: solution.residualSumOfSquares, dfResidual: n - solution.rank)
let seconds = now() - start

var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
let peakMB = Double(usage.ru_maxrss) / 1024
let coefSum = solution.coefficients.enumerated().reduce(0.0) { $0 + Double($1.offset + 1) * $1.element }
print("{\"seconds\": \(seconds), \"peak_rss_mb\": \(peakMB), \"method\": \"\(solution.method.rawValue)\", "
    + "\"refinement_steps\": \(solution.refinementSteps), \"coef_checksum\": \(coefSum), "
    + "\"fitted_sum\": \(fitted.reduce(0, +)), \"leverage_sum\": \(leverage.reduce(0, +)), "
    + "\"studentized_max\": \(studentized.map(abs).max() ?? 0)}")
