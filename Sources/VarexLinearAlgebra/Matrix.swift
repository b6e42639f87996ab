import Dispatch
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
///
/// Stored as its rounding to `Double` (``rounded``, what LAPACK factors) plus, for the columns
/// where rounding lost something, the remainder as a second `Double` per element: an x87 value
/// has a 64-bit significand, so value − rounded has at most 11 significant bits and is exact in
/// a `Double`. Indicator, intercept and whole-number columns cost one `Double` per element, not
/// an `Extended` (16 bytes) and a rounded copy besides.
public struct ExtendedMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    /// Every element rounded to `Double`.
    public let rounded: Matrix
    /// Element − rounded element for the inexact columns, one after another (column-major).
    let remainders: [Double]
    /// Per column, its place among the inexact columns in ``remainders``, or −1 when exact.
    let remainderSlot: [Int]

    /// Builds the matrix from column-major extended values.
    public init(rows: Int, columns: Int, columnMajor storage: [Extended]) {
        precondition(storage.count == rows * columns, "storage does not match the shape")
        self.init(rows: rows, columns: columns) { j, out in
            for i in 0..<rows { out[i] = storage[i + j * rows] }
        }
    }

    /// Builds the matrix column by column: `fill(j, buffer)` writes column j's extended values
    /// into a reused buffer of `rows` elements, so no more than one extended column is ever held.
    public init(rows: Int, columns: Int, fill: (Int, inout [Extended]) throws -> Void) rethrows {
        try self.init(rows: rows, columns: columns) { j, buffer, _ in try fill(j, &buffer); return false }
    }

    /// Builds the matrix column by column. `fill(j, buffer, doubles)` either writes column j's
    /// extended values into `buffer` and returns false, or, for a column it knows to be exact in
    /// `Double` (indicators, products of indicators), writes them straight into `doubles` and
    /// returns true.
    public init(rows: Int, columns: Int,
                fill: (Int, inout [Extended], UnsafeMutableBufferPointer<Double>) throws -> Bool) rethrows {
        self.rows = rows
        self.columns = columns
        var high = [Double](repeating: 0, count: rows * columns)
        var low: [Double] = []
        var slot = [Int](repeating: -1, count: columns)
        var buffer = [Extended](repeating: 0, count: rows)
        // Rounding a million-row column and checking what rounding lost is split over the cores.
        let parts = rows >= 65_536 ? 8 : 1
        for j in 0..<columns {
            var inexact = false
            try high.withUnsafeMutableBufferPointer { hb in
                let target = UnsafeMutableBufferPointer(rebasing: hb[(j * rows)..<((j + 1) * rows)])
                if try fill(j, &buffer, target) { return }
                var lost = [Bool](repeating: false, count: parts)
                buffer.withUnsafeBufferPointer { source in
                    lost.withUnsafeMutableBufferPointer { lostParts in
                        nonisolated(unsafe) let (out, flags) = (target, lostParts)
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            var any = false
                            for i in (rows * part / parts)..<(rows * (part + 1) / parts) {
                                let d = Double(source[i])
                                out[i] = d
                                if source[i].isFinite && Extended(d) != source[i] { any = true }
                            }
                            flags[part] = any
                        }
                    }
                }
                inexact = lost.contains(true)
            }
            if inexact {
                slot[j] = low.count / max(rows, 1)
                let start = low.count
                low.append(contentsOf: repeatElement(0, count: rows))
                low.withUnsafeMutableBufferPointer { lb in
                    buffer.withUnsafeBufferPointer { source in
                        high.withUnsafeBufferPointer { hb in
                            nonisolated(unsafe) let (out, rounded) = (UnsafeMutableBufferPointer(rebasing: lb[start...]), UnsafeBufferPointer(rebasing: hb[(j * rows)...]))
                            DispatchQueue.concurrentPerform(iterations: parts) { part in
                                for i in (rows * part / parts)..<(rows * (part + 1) / parts) where source[i].isFinite {
                                    out[i] = Double(source[i] - Extended(rounded[i]))
                                }
                            }
                        }
                    }
                }
            }
        }
        self.rounded = Matrix(rows: rows, columns: columns, columnMajor: high)
        self.remainders = low
        self.remainderSlot = slot
    }

    /// Element (i, j) in extended precision.
    @inline(__always)
    public subscript(i: Int, j: Int) -> Extended {
        let h = Extended(rounded.storage[i + j * rows])
        let s = remainderSlot[j]
        return s < 0 ? h : h + Extended(remainders[i + s * rows])
    }

    /// Whether column j is exact in `Double` (its extended values are its rounded ones).
    public func isExactInDouble(_ j: Int) -> Bool { remainderSlot[j] < 0 }

    /// Column j in extended precision.
    public func column(_ j: Int) -> [Extended] { (0..<rows).map { self[$0, j] } }

    /// out += b · column j, in extended precision.
    public func addColumn(_ j: Int, times b: Extended, to out: inout [Extended]) {
        precondition(out.count == rows)
        let n = rows
        withParts { high, low, slots in
            out.withUnsafeMutableBufferPointer { o in
                let h = high.baseAddress! + j * n
                if slots[j] < 0 {
                    for i in 0..<n { o[i] += Extended(h[i]) * b }
                } else {
                    let r = low.baseAddress! + slots[j] * n
                    for i in 0..<n { o[i] += (Extended(h[i]) + Extended(r[i])) * b }
                }
            }
        }
    }

    /// The elements in column-major order (read-only), as `storage[i + j * rows]`.
    public var storage: ExtendedStorage { ExtendedStorage(matrix: self) }

    /// The matrix with column j replaced by `transform(j, column j)`, column by column.
    public func mapColumns(_ transform: (Int, [Extended]) -> [Extended]) -> ExtendedMatrix {
        ExtendedMatrix(rows: rows, columns: columns) { j, out in out = transform(j, column(j)) }
    }

    /// The columns `columns`, in that order.
    public func selecting(_ columns: [Int]) -> ExtendedMatrix {
        ExtendedMatrix(rows: rows, columns: columns.count) { k, out in out = column(columns[k]) }
    }

    /// Calls `body` with the rounded values and the remainders (column j's remainders start at
    /// `slot[j] * rows`; slot −1 for an exact column).
    func withParts<R>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, [Int]) throws -> R) rethrows -> R {
        try rounded.storage.withUnsafeBufferPointer { hb in
            try remainders.withUnsafeBufferPointer { lb in try body(hb, lb, remainderSlot) }
        }
    }
}

/// The elements of an ``ExtendedMatrix`` in column-major order.
public struct ExtendedStorage: RandomAccessCollection {
    let matrix: ExtendedMatrix
    public var startIndex: Int { 0 }
    public var endIndex: Int { matrix.rows * matrix.columns }
    public subscript(k: Int) -> Extended { matrix[k % Swift.max(matrix.rows, 1), k / Swift.max(matrix.rows, 1)] }
}
