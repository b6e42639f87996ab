/// Failures of the numeric module. Each message says what went wrong in terms a caller can act on.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// A LAPACK routine returned a non-zero `info`.
    case lapack(routine: String, info: Int32)
    /// The problem has no rows or no columns, or the sizes disagree.
    case shape(String)
    /// A value in the input is NaN or infinite.
    case nonFinite(String)
    /// The matrix is too large for LAPACK's 32-bit integer arguments.
    case tooLarge(rows: Int, columns: Int)
    /// Element (row, column) (0-based) of a design is NaN or infinite.
    case nonFiniteElement(row: Int, column: Int)
    /// A column's values are so small (or large) that no power of two brings its norm to
    /// [0.5, 1) exactly (subnormal numbers).
    case unscalableColumn(Int)
    /// A matrix to be factored by Cholesky is not positive definite.
    case notPositiveDefinite

    public var description: String {
        switch self {
        case let .lapack(routine, info):
            return "LAPACK routine \(routine) failed (info = \(info))"
        case let .shape(why):
            return "matrix shape: \(why)"
        case let .nonFinite(what):
            return "non-finite value in \(what)"
        case let .tooLarge(rows, columns):
            return "a \(rows) x \(columns) matrix is too large for LAPACK's 32-bit indices"
        case let .nonFiniteElement(row, column):
            return "non-finite value in column \(column + 1), row \(row + 1)"
        case let .unscalableColumn(column):
            return "column \(column + 1) is too close to zero (or too large) to be scaled exactly"
        case .notPositiveDefinite:
            return "the matrix is not positive definite"
        }
    }
}
