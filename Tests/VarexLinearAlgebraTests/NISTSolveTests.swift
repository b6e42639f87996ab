import Foundation
import Testing
@testable import VarexLinearAlgebra

/// Library-level check of the solver on the hardest NIST StRD problems, with the design
/// evaluated in extended precision exactly as the statistics layer does.
struct NISTSolveTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/nist").standardized

    /// Minimal reader of an NIST StRD linear file: certified estimates and SDs, then (y, x) data.
    static func load(_ name: String) throws -> (b: [Double], se: [Double], sd: Double, x: [Extended], y: [Extended]) {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(name).dat"), encoding: .utf8)
        var b: [Double] = [], se: [Double] = [], sd = 0.0, xs: [Extended] = [], ys: [Extended] = []
        var inData = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if f.first == "Data:" && f.count >= 3 && f[1] == "y" { inData = true; continue }
            if inData, f.count == 2, let y = Extended(f[0]), let x = Extended(f[1]) { ys.append(y); xs.append(x); continue }
            if f.count == 3, f[0].hasPrefix("B"), let e = Double(f[1]), let s = Double(f[2]) { b.append(e); se.append(s) }
            if f.count == 3, f[0] == "Standard", f[1] == "Deviation", let v = Double(f[2]) { sd = v }
        }
        return (b, se, sd, xs, ys)
    }

    static func lre(_ got: Double, _ want: Double) -> Double {
        if got == want { return 15 }
        return want == 0 ? -log10(abs(got)) : -log10(abs(got - want) / abs(want))
    }

    @Test func filipReachesNineDigits() throws {
        let d = try Self.load("Filip")
        let n = d.x.count, p = 11
        var xe = [Extended](repeating: 0, count: n * p)
        for i in 0..<n { var v: Extended = 1; for k in 0..<p { xe[i + k * n] = v; v *= d.x[i] } }
        let em = ExtendedMatrix(rows: n, columns: p, columnMajor: xe)
        let sol = try LeastSquares.solve(em.rounded, d.y.map { Double($0) }, exact: (em, d.y))
        #expect(sol.rank == 11 && sol.method == .householderQR)
        let minCoef = paired(sol.coefficients, d.b).map { Self.lre($0, $1) }.min()!
        #expect(minCoef >= 9, "Filip coefficient LRE \(minCoef)")
        let sigma2 = sol.residualSumOfSquares / Double(n - p)
        let cov = try LeastSquares.unscaledCovariance(of: sol, x: em.rounded, exact: em)
        let minSE = (0..<p).map { Self.lre((sigma2 * cov[$0, $0]).squareRoot(), d.se[$0]) }.min()!
        #expect(minSE >= 9, "Filip SE LRE \(minSE)")
        #expect(Self.lre(sigma2.squareRoot(), d.sd) >= 9)
    }
}
