import VarexLinearAlgebra

/// The least-squares problem a design poses, with its weights applied once: √w·X and √w·y in
/// extended precision, for the rows used. The fit, the Shapley refits, the bootstrap and the
/// influence measures all read it, so no other code multiplies by √w.
public struct WeightedDesign: Sendable {
    /// √w·X (X itself when unweighted).
    public let x: ExtendedMatrix
    /// √w·(y − offset).
    public let y: [Extended]
    /// √w per row; nil when unweighted.
    public let root: [Extended]?

    public init(_ design: DesignMatrix) {
        let n = design.y.count, p = design.columnNames.count
        let root: [Extended]? = design.weights?.map { $0.squareRoot() }
        var x = design.x
        // An offset is known: the least-squares problem is in y − offset.
        var y = design.y
        if let offset = design.offset { for i in 0..<n { y[i] -= offset[i] } }
        if let root {
            for j in 0..<p { for i in 0..<n { x.storage[i + j * n] *= root[i] } }
            for i in 0..<n { y[i] *= root[i] }
        }
        self.x = x
        self.y = y
        self.root = root
    }

    /// The columns `columns` of √w·X, in that order.
    public func columns(_ columns: [Int]) -> ExtendedMatrix {
        let n = x.rows
        var storage = [Extended](repeating: 0, count: n * columns.count)
        for (c, j) in columns.enumerated() { for i in 0..<n { storage[i + c * n] = x.storage[i + j * n] } }
        return ExtendedMatrix(rows: n, columns: columns.count, columnMajor: storage)
    }
}
