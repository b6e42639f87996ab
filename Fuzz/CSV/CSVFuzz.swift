// libFuzzer target: the columnar CSV reader against the sequential one. For any bytes, cut into
// chunks of 1 to 64 bytes (the first byte chooses), both readers give the same table or the
// same message, and every cell the columnar reader gives back is the sequential reader's text of
// that cell, its value `strtold`'s (independent of how the columnar reader stores them); any
// difference or crash stops the fuzzer with the input saved.
@testable import Varex

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let chunk = 1 + Int(bytes.first ?? 0) % 64
    let sequential = Result { Table(records: try CSVReader.parse(bytes, file: "f.csv"), source: "f.csv") }
    let columnar = Result { try ColumnarCSVReader.parse(bytes, file: "f.csv", chunk: chunk) }
    switch (sequential, columnar) {
    case let (.success(a), .success(b)):
        precondition(a.names == b.names && a.lines == b.lines, "names or lines differ")
        for (x, y) in zip(a.columns, b.columns) {
            precondition(x.kind == y.kind && x.isMissing == y.isMissing, "\(x.name): kind or missing differ")
            precondition(zip(x.values, y.values).allSatisfy { ($0 == $1 && $0.sign == $1.sign) || ($0.isNaN && $1.isNaN) },
                         "\(x.name): values differ")
            precondition(Array(x.cells) == Array(y.cells), "\(x.name): cells differ")
        }
        let records = try! CSVReader.parse(bytes, file: "f.csv")
        for (j, column) in b.columns.enumerated() {
            let cells = column.cells
            for (r, record) in records.rows.enumerated() {
                let text = SpreadsheetText.unprotect(record[j].trimmingBlanks)
                precondition(cells[r] == text, "\(column.name) row \(r + 1): '\(cells[r])' is not '\(text)'")
                if !column.isMissing[r], let v = NumberParsing.parse(text.trimmingSpaces) {
                    precondition(column.values[r] == v, "\(column.name) row \(r + 1): \(column.values[r]) is not \(v)")
                }
            }
        }
    case let (.failure(a), .failure(b)):
        precondition("\(a)" == "\(b)", "messages differ: \(a) | \(b)")
    default:
        preconditionFailure("one reader failed, the other did not: \(sequential) | \(columnar)")
    }
    return 0
}
