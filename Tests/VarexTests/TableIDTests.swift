import Testing
@testable import Varex

/// `Table.ids(column:)` checks uniqueness on the stored column (values for canonical numbers,
/// dictionary codes for kept texts): its answer must be the one a check of the cells' texts
/// gives, written here with a Set of the CSV's own fields. Numbers written two ways ("1" and
/// "1.0") are two ids, as their texts differ; a repeat or a missing id names its row.
struct TableIDTests {
    static func table(_ ids: [String]) throws -> Table {
        let text = "id,x\n" + ids.enumerated().map { "\($1),\($0)" }.joined(separator: "\n") + "\n"
        return Table(records: try CSVReader.parse(Array(text.utf8), file: "t.csv"), source: "t.csv")
    }

    /// The first repeated field (its 1-based row, and its first row), by the fields' texts.
    static func firstRepeat(_ ids: [String]) -> (row: Int, first: Int)? {
        var seen: [String: Int] = [:]
        for (i, id) in ids.enumerated() {
            if let f = seen[id] { return (i + 1, f + 1) }
            seen[id] = i
        }
        return nil
    }

    static let cases: [[String]] = {
        var out: [[String]] = []
        out.append((1...2000).map { String($0) })
        out.append((1...2000).map { String($0) } + ["17"])
        out.append(["1", "1.0", "01", "1e0", "2"])
        out.append(["E06000001", "E06000002", "7", "7.50", "7.5", "x"])
        out.append(["a", "b", "a"])
        out.append(["3.25", "-3.25", "3.250", "3.25"])
        out.append((0..<3000).map { "id\($0 % 2999)" })
        out.append((0..<1000).map { String(Double($0) / 8) })
        return out
    }()

    @Test(arguments: Self.cases)
    func uniquenessAsTheTextsSayIt(_ ids: [String]) throws {
        let t = try Self.table(ids)
        if let (row, first) = Self.firstRepeat(ids) {
            #expect(throws: DataError.duplicateID(t.location(row: row - 1, column: "id"), id: ids[row - 1], firstRow: first)) {
                try t.ids(column: "id")
            }
        } else {
            #expect(Array(try t.ids(column: "id")) == ids)
        }
    }

    @Test func aMissingIDNamesItsRow() throws {
        let t = try Self.table(["1", "2", "", "4"])
        #expect(throws: DataError.missingID(t.location(row: 2, column: "id"))) { try t.ids(column: "id") }
    }
}
