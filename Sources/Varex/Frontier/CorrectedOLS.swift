import Foundation
import VarexLinearAlgebra

/// The start of every stochastic frontier: OLS, the moments of its residuals signed as
/// e = v − u, the test of their skew (Waldman 1982), and the method-of-moments values of σu, σv²
/// and the intercept's shift E u (Olson, Schmidt and Waldman 1980).
struct CorrectedOLS {
    let coefficients: [Double]
    /// Second and third central moments of e = s(y − xb).
    let m2: Double
    let m3: Double
    /// The OLS log-likelihood, σ² by maximum likelihood.
    let logLikelihood: Double
    let sigmaU: Double
    let sigmaV2: Double
    /// The frontier's coefficients: OLS with the intercept (if any) shifted by s·E u.
    let start: [Double]

    init(_ data: StochasticFrontierData, model: StochasticFrontierModel) throws {
        let n = data.count, k = data.xNames.count
        var design = Matrix(rows: n, columns: k)
        for i in 0..<n { for j in 0..<k { design[i, j] = data.x[i][j] } }
        let ls = try LeastSquares.solve(design, data.y)
        guard ls.rank == k else { throw FrontierError.invalidSetting("the frontier's terms are linearly dependent: leave one out") }
        let b = ls.coefficients
        let s = model.side.sign
        let e = (0..<n).map { i in s * (data.y[i] - zip(data.x[i], b).reduce(0) { $0 + $1.0 * $1.1 }) }
        let mean = e.reduce(0, +) / Double(n)
        m2 = e.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        m3 = e.reduce(0) { $0 + pow($1 - mean, 3) } / Double(n)
        logLikelihood = -0.5 * Double(n) * (log(2 * Double.pi * m2) + 1)
        guard m3 < 0 else { throw FrontierError.wrongSkew(side: model.side, thirdMoment: m3) }
        let meanU: Double
        var v2: Double
        if model.distribution == .exponential {
            sigmaU = pow(-m3 / 2, 1.0 / 3)
            v2 = m2 - sigmaU * sigmaU
            meanU = sigmaU
        } else {
            sigmaU = pow(-m3 / ((2 / Double.pi).squareRoot() * (4 / Double.pi - 1)), 1.0 / 3)
            v2 = m2 - (1 - 2 / Double.pi) * sigmaU * sigmaU
            meanU = sigmaU * (2 / Double.pi).squareRoot()
        }
        sigmaV2 = max(v2, 0.05 * m2)
        var start = b
        if let intercept = data.xNames.firstIndex(of: "(Intercept)") { start[intercept] += s * meanU }
        coefficients = b
        self.start = start
    }
}
