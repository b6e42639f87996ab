/// What every Varex error offers a command-line front end: a one-line message a user can act on
/// and the exit status it maps to (1 for bad input or usage, 2 for a numerical failure).
public protocol VarexError: Error, CustomStringConvertible {
    /// 1 for bad input or usage, 2 for a numerical failure.
    var exitCode: Int32 { get }
}

/// A place in a data file, for messages: the file, the data row (1 = first row after the
/// header), the physical line it starts on, and the column name.
public struct CellLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var row: Int?
    public var line: Int?
    public var column: String?

    public init(file: String, row: Int? = nil, line: Int? = nil, column: String? = nil) {
        self.file = file
        self.row = row
        self.line = line
        self.column = column
    }

    public var description: String {
        var s = file
        if let row { s += ", row \(row)" }
        if let line { s += " (line \(line))" }
        if let column { s += ", column '\(column)'" }
        return s
    }
}
