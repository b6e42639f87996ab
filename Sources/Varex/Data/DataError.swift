/// Problems with an input data file. Every case names the file and, where it applies, the row,
/// line and column, so the user can find and fix the cell.
public enum DataError: SettingMessage, Equatable {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case headerOnly(path: String)
    case invalidUTF8(CellLocation, byteOffset: Int)
    case unterminatedQuote(CellLocation)
    case strayQuote(CellLocation)
    case raggedRow(CellLocation, expected: Int, found: Int)
    case emptyColumnName(path: String, position: Int)
    case duplicateColumnName(path: String, name: String)
    case unknownColumn(path: String, name: String, suggestion: String?)
    case notANumber(CellLocation, text: String)
    case infiniteValue(CellLocation, text: String)
    case mostlyNumeric(CellLocation, text: String)
    case missingID(CellLocation)
    case duplicateID(CellLocation, id: String, firstRow: Int)
    case unknownID(CellLocation, id: String)
    case negativeWeight(CellLocation, text: String)
    /// A file whose in-memory read would need more memory than is available.
    case tooLargeForMemory(path: String, textBytes: Int, need: Int, available: Int)
    /// `VAREX_MEMORY_LIMIT` that is not a size.
    case invalidMemoryLimit(text: String)

    public var exitCode: Int32 { 1 }

    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .unreadable(path, reason):
            return "\(path): cannot be read (\(reason))"
        case let .empty(path):
            return "\(path): the file is empty; expected a header row and at least one data row"
        case let .headerOnly(path):
            return "\(path): the file has a header row but no data rows"
        case let .invalidUTF8(loc, offset):
            return "\(loc): invalid UTF-8 at byte \(offset); save the file as UTF-8"
        case let .unterminatedQuote(loc):
            return "\(loc): a quoted field is never closed; add the missing '\"'"
        case let .strayQuote(loc):
            return "\(loc): a '\"' inside a field must be doubled and the field quoted (RFC 4180)"
        case let .raggedRow(loc, expected, found):
            return "\(loc): the row has \(found) fields but the header has \(expected)"
        case let .emptyColumnName(path, position):
            return "\(path): column \(position) of the header has no name"
        case let .duplicateColumnName(path, name):
            return "\(path): the header names column '\(MessageText.quote(name))' more than once"
        case let .unknownColumn(path, name, suggestion):
            var s = "\(path): no column named '\(MessageText.quote(name))'"
            if let suggestion { s += "; did you mean '\(MessageText.quote(suggestion))'?" }
            return s
        case let .notANumber(loc, text):
            return "\(loc): '\(MessageText.quote(text))' is not a number"
        case let .infiniteValue(loc, text):
            return "\(loc): '\(MessageText.quote(text))' is infinite; only finite numbers can enter a model"
        case let .mostlyNumeric(loc, text):
            return """
                \(loc): '\(MessageText.quote(text))' is not a number but the column's other cells \
                are; fix the cell, mark it missing (NA), or write C(column) to treat the column as categories
                """
        case let .missingID(loc):
            return "\(loc): the id is missing; every row needs an id"
        case let .tooLargeForMemory(path, textBytes, need, available):
            func size(_ b: Int) -> String {
                b >= 1 << 30 ? NumberFormat.significant(Double(b) / Double(1 << 30), 3) + " GB" : NumberFormat.significant(Double(b) / Double(1 << 20), 3) + " MB"
            }
            return "\(path): reading its \(size(textBytes)) of CSV into memory needs about \(size(need)), and about \(size(available)) "
                + "is available; fit it in blocks with 'varex fit \(names.name(.stream))', or free memory"
        case let .invalidMemoryLimit(text):
            return "\(MemoryBudget.variable)='\(MessageText.quote(text))' is not a size: give bytes, or a number with K, M or G (such as 4G)"
        case let .negativeWeight(loc, text):
            return "\(loc): weight '\(MessageText.quote(text))' is negative; weights must be zero or positive"
        case let .unknownID(loc, id):
            return "\(loc): no row of the data has the id '\(MessageText.quote(id))'"
        case let .duplicateID(loc, id, firstRow):
            return "\(loc): id '\(MessageText.quote(id))' already appears at row \(firstRow); ids must be unique"
        }
    }
}
