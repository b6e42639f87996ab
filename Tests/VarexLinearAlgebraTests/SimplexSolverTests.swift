import Testing
import VarexLinearProgramming

/// The LP module on textbook programmes with known answers: Hillier and Lieberman's Wyndor Glass
/// problem (max 3x₁ + 5x₂ s.t. x₁ ≤ 4, 2x₂ ≤ 12, 3x₁ + 2x₂ ≤ 18: optimum 36 at (2, 6)); a warm
/// re-solve after one coefficient changes (3x₁ + 3x₂ ≤ 18: the vertices (0, 6), (2, 4), (4, 2)
/// give 30, 26 and 22, so the optimum is 30 at (0, 6)); and the two ways a programme has no
/// optimum, each named.
struct SimplexSolverTests {
    static func wyndor() -> LinearProgram {
        var p = LinearProgram(rows: 3, columns: 2)
        p.objective = [-3, -5]  // minimise −(3x₁ + 5x₂)
        p[0, 0] = 1; p.rowUpper[0] = 4
        p[1, 1] = 2; p.rowUpper[1] = 12
        p[2, 0] = 3; p[2, 1] = 2; p.rowUpper[2] = 18
        return p
    }

    @Test func wyndorGlassAndAWarmResolve() {
        let s = SimplexSolver(Self.wyndor())
        #expect(s.solve() == .optimal)
        #expect(abs(s.objectiveValue + 36) < 1e-10)
        #expect(abs(s.value(0) - 2) < 1e-10 && abs(s.value(1) - 6) < 1e-10)
        s.setCoefficient(row: 2, column: 1, 3)
        #expect(s.solve() == .optimal)
        #expect(abs(s.objectiveValue + 30) < 1e-10)
        #expect(abs(s.value(0)) < 1e-10 && abs(s.value(1) - 6) < 1e-10)
    }

    @Test func noOptimumIsNamed() {
        var infeasible = Self.wyndor()
        infeasible.rowLower[0] = 5  // x₁ ≥ 5 and x₁ ≤ 4
        #expect(SimplexSolver(infeasible).solve() == .infeasible)
        var unbounded = LinearProgram(rows: 1, columns: 2)
        unbounded.objective = [-1, 0]  // maximise x₁ with only x₁ − x₂ ≤ 1
        unbounded[0, 0] = 1; unbounded[0, 1] = -1; unbounded.rowUpper[0] = 1
        #expect(SimplexSolver(unbounded).solve() == .unbounded)
    }
}
