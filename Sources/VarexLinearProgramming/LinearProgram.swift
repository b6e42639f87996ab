/// A linear programme in the form every simplex code takes:
///
///     minimise cᵀx  subject to  rowLower ≤ A x ≤ rowUpper,  columnLower ≤ x ≤ columnUpper.
///
/// `A` is dense and column-major (`rows × columns`); an infinite bound is `±.infinity`. Only
/// the structure of the problem lives here: `SimplexSolver` solves it.
public struct LinearProgram: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// Column-major `rows × columns`: element (i, j) at `j * rows + i`.
    public var matrix: [Double]
    public var objective: [Double]
    public var rowLower: [Double]
    public var rowUpper: [Double]
    public var columnLower: [Double]
    public var columnUpper: [Double]

    /// A programme with `rows × columns` zero coefficients, a zero objective, free rows and
    /// non-negative columns; set what the problem needs.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0)
        self.rows = rows
        self.columns = columns
        matrix = [Double](repeating: 0, count: rows * columns)
        objective = [Double](repeating: 0, count: columns)
        rowLower = [Double](repeating: -.infinity, count: rows)
        rowUpper = [Double](repeating: .infinity, count: rows)
        columnLower = [Double](repeating: 0, count: columns)
        columnUpper = [Double](repeating: .infinity, count: columns)
    }

    /// Element (row, column) of A.
    public subscript(row: Int, column: Int) -> Double {
        get { matrix[column * rows + row] }
        set { matrix[column * rows + row] = newValue }
    }
}

/// How a solve ended.
public enum LinearProgramStatus: Sendable, Equatable {
    /// An optimal vertex was found.
    case optimal
    /// No point satisfies the constraints.
    case infeasible
    /// The objective decreases without bound.
    case unbounded
    /// The solver stopped (iteration limit, numerical trouble) without an answer.
    case failed
}
