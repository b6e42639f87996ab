/// One id per table row, kept as the id column is stored (numbers as numbers, texts as the
/// reader's dictionary codes) and spelled only when a row's id is read: a million numeric ids
/// cost no strings until an output writes them. Row numbers 1…n when there is no id column.
public struct RowIDs: RandomAccessCollection, Sendable, Equatable {
    enum Storage: Sendable {
        case rowNumbers(Int)
        case cells(ColumnCells)
        case texts([String])
    }
    let storage: Storage

    /// Row numbers 1…`count`.
    public init(rowNumbers count: Int) { storage = .rowNumbers(count) }
    /// A column's cells.
    public init(cells: ColumnCells) { storage = .cells(cells) }
    /// Ids given as texts.
    public init(_ texts: [String]) { storage = .texts(texts) }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case let .rowNumbers(n): return n
        case let .cells(c): return c.count
        case let .texts(t): return t.count
        }
    }

    public subscript(i: Int) -> String {
        switch storage {
        case .rowNumbers: return String(i + 1)
        case let .cells(c): return c[i]
        case let .texts(t): return t[i]
        }
    }

    /// The ids of `rows`, in their order.
    public func selecting(_ rows: [Int]) -> RowIDs { RowIDs(rows.map { self[$0] }) }

    public static func == (a: RowIDs, b: RowIDs) -> Bool { a.elementsEqual(b) }
}
