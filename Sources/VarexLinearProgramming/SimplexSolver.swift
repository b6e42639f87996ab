import CClp

/// A linear programme held by COIN-OR Clp's dual simplex, to be solved, changed a little and
/// solved again from the last optimal basis (a warm start): DEA solves one programme per unit
/// that differs from the last only in one column and a few bounds.
///
/// A class because it owns Clp's model; not `Sendable`: one solver per thread. Two solvers made
/// from the same programme and given the same changes in the same order return the same bits.
public final class SimplexSolver {
    private let model: UnsafeMutableRawPointer
    private let rows: Int
    private let columns: Int

    /// Loads `program` (every coefficient kept, zeros included, so any can be changed later).
    public init(_ program: LinearProgram) {
        guard let model = Clp_newModel() else { fatalError("Clp could not allocate a model") }
        self.model = model
        rows = program.rows
        columns = program.columns
        Clp_setLogLevel(model, 0)
        // Unscaled, and no element is too small to keep: the programmes are small and dense, and
        // this is both faster (66 µs against 151 µs a DEA programme, benchmarks/lp_solver) and exact.
        Clp_scaling(model, 0)
        Clp_setSmallElementValue(model, 0)
        Clp_setPrimalTolerance(model, 1e-10)
        Clp_setDualTolerance(model, 1e-10)
        var start = [CoinBigIndex](repeating: 0, count: columns + 1)
        var index = [Int32](repeating: 0, count: rows * columns)
        for j in 0..<columns {
            start[j + 1] = CoinBigIndex((j + 1) * rows)
            for i in 0..<rows { index[j * rows + i] = Int32(i) }
        }
        Clp_loadProblem(model, Int32(columns), Int32(rows), start, index, program.matrix,
                        program.columnLower.map(Self.clp), program.columnUpper.map(Self.clp), program.objective,
                        program.rowLower.map(Self.clp), program.rowUpper.map(Self.clp))
    }

    deinit { Clp_deleteModel(model) }

    /// Clp's infinity is 1e30 (COIN_DBL_MAX works too, but 1e30 is what its bounds compare with).
    private static func clp(_ x: Double) -> Double {
        x == .infinity ? 1e30 : x == -.infinity ? -1e30 : x
    }

    /// Changes coefficient (row, column) of A.
    public func setCoefficient(row: Int, column: Int, _ value: Double) {
        precondition(row < rows && column < columns)
        Clp_modifyCoefficient(model, Int32(row), Int32(column), value, true)
    }

    /// Changes a row's bounds.
    public func setRowBounds(_ row: Int, lower: Double, upper: Double) {
        precondition(row < rows)
        change(row, of: rows, lower: lower, upper: upper, Clp_getRowLower, Clp_getRowUpper, Clp_chgRowLower, Clp_chgRowUpper)
    }

    /// Changes a column's bounds.
    public func setColumnBounds(_ column: Int, lower: Double, upper: Double) {
        precondition(column < columns)
        change(column, of: columns, lower: lower, upper: upper, Clp_getColLower, Clp_getColUpper, Clp_chgColumnLower, Clp_chgColumnUpper)
    }

    /// Sets entry `index` of a pair of bound arrays through Clp's setters (whole arrays), so the
    /// simplex knows they changed.
    private func change(_ index: Int, of count: Int, lower: Double, upper: Double,
                        _ getLower: (UnsafeMutableRawPointer?) -> UnsafePointer<Double>?, _ getUpper: (UnsafeMutableRawPointer?) -> UnsafePointer<Double>?,
                        _ setLower: (UnsafeMutableRawPointer?, UnsafePointer<Double>?) -> Void, _ setUpper: (UnsafeMutableRawPointer?, UnsafePointer<Double>?) -> Void) {
        var lo = Array(UnsafeBufferPointer(start: getLower(model), count: count))
        var up = Array(UnsafeBufferPointer(start: getUpper(model), count: count))
        lo[index] = Self.clp(lower)
        up[index] = Self.clp(upper)
        setLower(model, lo)
        setUpper(model, up)
    }

    /// Changes one objective coefficient.
    public func setObjective(_ column: Int, _ value: Double) {
        precondition(column < columns)
        var c = Array(UnsafeBufferPointer(start: Clp_getObjCoefficients(model), count: columns))
        c[column] = value
        Clp_chgObjCoefficients(model, c)
    }

    /// Solves by the dual simplex from the current basis; a programme that is not solved so is
    /// solved again from scratch (Clp's presolve and crash), so that a warm start's trouble is
    /// never reported as infeasibility.
    @discardableResult
    public func solve() -> LinearProgramStatus {
        Clp_dual(model, 0)
        if Clp_status(model) != 0 { Clp_initialSolve(model) }
        switch Clp_status(model) {
        case 0: return .optimal
        case 1: return .infeasible
        case 2: return .unbounded
        default: return .failed
        }
    }

    /// The objective at the last solution.
    public var objectiveValue: Double { Clp_getObjValue(model) }

    /// Column `j` of the last solution.
    public func value(_ j: Int) -> Double { Clp_getColSolution(model)[j] }

    /// The last solution, every column.
    public var solution: [Double] { Array(UnsafeBufferPointer(start: Clp_getColSolution(model), count: columns)) }

    /// The last solution's row activities A x.
    public var rowActivity: [Double] { Array(UnsafeBufferPointer(start: Clp_getRowActivity(model), count: rows)) }
}
