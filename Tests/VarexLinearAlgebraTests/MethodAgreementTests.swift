import Testing
@testable import VarexLinearAlgebra

/// The two factorisations must give the same answers where both apply, and CholeskyQR2 must
/// step aside where it would not be accurate.
struct MethodAgreementTests {
    /// A reproducible pseudo-random design (SplitMix64), with an intercept column.
    static func design(rows n: Int, columns p: Int, seed: UInt64, correlation: Double = 0.3) -> (Matrix, [Double]) {
        var state = seed
        func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Double(z >> 11) / Double(1 << 53) - 0.5
        }
        var x = Matrix(rows: n, columns: p)
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            x[i, 0] = 1
            for j in 1..<p { x[i, j] = j > 1 ? (1 - correlation) * next() * Double(j) + correlation * x[i, j - 1] : next() }
            for j in 0..<p { y[i] += x[i, j] * Double(j + 1) }
            y[i] += next()
        }
        return (x, y)
    }

    /// Correlation 0.3 gives κ ≤ 100 (one Cholesky pass); 0.999 needs the second pass.
    @Test(arguments: [(0.3, 1), (0.999, 2)])
    func choleskyQRAgreesWithHouseholder(correlation: Double, passes: Int) throws {
        let (x, y) = Self.design(rows: 20_000, columns: 30, seed: 42, correlation: correlation)
        let a = try LeastSquares.solve(x, y, method: .householderQR)
        let b = try LeastSquares.solve(x, y, method: .choleskyQR)
        #expect(a.method == .householderQR && b.method == .choleskyQR && b.cholesky?.passes == passes)
        for j in 0..<30 { #expect(abs(a.coefficients[j] - b.coefficients[j]) <= 1e-13 * abs(a.coefficients[j])) }
        #expect(abs(a.residualSumOfSquares - b.residualSumOfSquares) <= 1e-13 * a.residualSumOfSquares)
        let ha = try a.leverage(of: x), hb = try b.leverage(of: x)
        for i in stride(from: 0, to: 20_000, by: 97) { #expect(abs(ha[i] - hb[i]) <= 1e-12 * ha[i]) }
        let ca = try LeastSquares.unscaledCovariance(of: a, x: x), cb = try LeastSquares.unscaledCovariance(of: b, x: x)
        for j in 0..<30 { #expect(abs(ca[j, j] - cb[j, j]) <= 1e-11 * ca[j, j]) }
        let sum = ha.reduce(0, +)
        #expect(abs(sum - 30) < 1e-9, "trace of the hat matrix is the rank")
    }

    @Test func largeWellConditionedProblemsChooseCholeskyQR() throws {
        let (x, y) = Self.design(rows: 40_000, columns: 30, seed: 7)
        #expect(try LeastSquares.solve(x, y).method == .choleskyQR)
        let (small, ys) = Self.design(rows: 200, columns: 5, seed: 7)
        #expect(try LeastSquares.solve(small, ys).method == .householderQR)
    }

    @Test func choleskyQRStepsAsideForIllConditionedOrAliasedDesigns() throws {
        // Filip-like: powers of x up to 10 (condition far above 10⁶ even after scaling).
        var x = Matrix(rows: 2000, columns: 11)
        var y = [Double](repeating: 0, count: 2000)
        for i in 0..<2000 {
            let t = -3 - 6 * Double(i) / 2000
            var v = 1.0
            for j in 0..<11 { x[i, j] = v; v *= t }
            y[i] = 1 / (1 + t * t) + t
        }
        #expect(try LeastSquares.solve(x, y, method: .choleskyQR).method == .householderQR)
        // An exactly repeated column.
        var (d, yd) = Self.design(rows: 40_000, columns: 30, seed: 3)
        for i in 0..<40_000 { d[i, 29] = d[i, 3] }
        let s = try LeastSquares.solve(d, yd)
        #expect(s.method == .householderQR && s.rank == 29 && s.isAliased[29] && s.coefficients[29].isNaN)
    }
}

/// The allocation-free solver used by the bootstrap agrees with the refined solver.
struct SmallLeastSquaresTests {
    @Test func agreesWithLeastSquares() throws {
        let (x, y) = MethodAgreementTests.design(rows: 150, columns: 9, seed: 11, correlation: 0.5)
        let reference = try LeastSquares.solve(x, y)
        var small = SmallLeastSquares(rows: 150, columns: 9)
        small.a = x.storage
        small.b = y
        let solved = small.solve()
        #expect(solved)
        for j in 0..<9 { #expect(abs(small.b[j] - reference.coefficients[j]) <= 1e-12 * max(1, abs(reference.coefficients[j]))) }
        var aliased = SmallLeastSquares(rows: 150, columns: 9)
        aliased.a = x.storage
        for i in 0..<150 { aliased.a[i + 8 * 150] = 2 * x[i, 3] }
        aliased.b = y
        let aliasedSolved = aliased.solve()
        #expect(!aliasedSolved, "a repeated column is reported")
        // R's limited pivoting: the aliased column moves to the end, the others are still solved
        // and agree with LAPACK's pivoted solve of the same design.
        var xa = x
        for i in 0..<150 { xa[i, 8] = 2 * x[i, 3] }
        let pivoted = try LeastSquares.solve(xa, y)
        #expect(aliased.rank == 8 && aliased.pivot == [0, 1, 2, 3, 4, 5, 6, 7, 8])
        #expect(pivoted.isAliased[8])
        for k in 0..<8 {
            let j = aliased.pivot[k]
            #expect(abs(aliased.b[k] - pivoted.coefficients[j]) <= 1e-12 * max(1, abs(pivoted.coefficients[j])))
        }
        // An aliased column in the middle: moved to the end, the columns after it move up.
        var middle = SmallLeastSquares(rows: 150, columns: 9)
        var xm = x
        for i in 0..<150 { xm[i, 4] = x[i, 1] - 3 * x[i, 2] }
        middle.a = xm.storage
        middle.b = y
        let middleSolved = middle.solve()
        #expect(!middleSolved)
        let reference4 = try LeastSquares.solve(xm, y)
        #expect(middle.rank == 8 && middle.pivot == [0, 1, 2, 3, 5, 6, 7, 8, 4] && reference4.isAliased[4])
        for k in 0..<8 {
            let j = middle.pivot[k]
            #expect(abs(middle.b[k] - reference4.coefficients[j]) <= 1e-12 * max(1, abs(reference4.coefficients[j])))
        }
    }
}
