/// One cell of an output table.
public enum Cell: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case text(String)
    case bool(Bool)
    /// An empty cell: missing, not estimable, or not applicable.
    case empty

    /// A number, or empty when it is NaN or infinite.
    public static func finite(_ x: Double) -> Cell { x.isFinite ? .number(x) : .empty }
}

/// A rectangular table of results, rendered by the CSV, Markdown and text writers.
public struct OutputTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[Cell]]

    public init(header: [String], rows: [[Cell]]) {
        self.header = header
        self.rows = rows
    }
}
