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
        let n = design.y.count
        let root: [Extended]? = design.weights?.map { $0.squareRoot() }
        // An offset is known: the least-squares problem is in y − offset.
        var y = design.y
        if let offset = design.offset { for i in 0..<n { y[i] -= offset[i] } }
        if let root {
            self.x = design.x.mapColumns { _, column in (0..<n).map { column[$0] * root[$0] } }
            for i in 0..<n { y[i] *= root[i] }
        } else {
            self.x = design.x
        }
        self.y = y
        self.root = root
    }

    /// The columns `columns` of √w·X, in that order.
    public func columns(_ columns: [Int]) -> ExtendedMatrix {
        columns == Array(0..<x.columns) ? x : x.selecting(columns)
    }
}
