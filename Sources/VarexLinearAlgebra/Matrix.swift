/// A dense matrix of `Double` in column-major order, owning its storage.
///
/// Column-major is LAPACK's layout: element (i, j) lives at `storage[i + j * rows]`.
public struct Matrix: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, column after column.
    public var storage: [Double]

    /// A `rows` × `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over existing column-major storage.
    public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
        precondition(storage.count == rows * columns, "storage does not match the shape")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix whose `j`-th column is `columns[j]`.
    public init(columns cols: [[Double]]) {
        let n = cols.first?.count ?? 0
        precondition(cols.allSatisfy { $0.count == n }, "columns differ in length")
        self.rows = n
        self.columns = cols.count
        self.storage = cols.flatMap { $0 }
    }

    /// Element (i, j).
    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// A copy of column `j`.
    public func column(_ j: Int) -> [Double] {
        Array(storage[(j * rows)..<((j + 1) * rows)])
    }

    /// The identity matrix of order `n`.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }
}

/// The floating-point type used for residuals and accumulations during refinement:
/// the x87 80-bit format (64-bit significand) where the processor has it, else `Double`.
#if arch(x86_64) || arch(i386)
public typealias Extended = Float80
#else
public typealias Extended = Double
#endif

/// A dense matrix of ``Extended`` values in column-major order: the design evaluated in
/// extended precision, which refinement treats as the exact problem.
public struct ExtendedMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public var storage: [Extended]

    public init(rows: Int, columns: Int, columnMajor storage: [Extended]) {
        precondition(storage.count == rows * columns, "storage does not match the shape")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// Rounds every element to `Double`.
    public var rounded: Matrix {
        Matrix(rows: rows, columns: columns, columnMajor: storage.map { Double($0) })
    }
}
