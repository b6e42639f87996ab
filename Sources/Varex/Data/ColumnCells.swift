import VarexLinearAlgebra

/// The texts of a column's cells that its values cannot give back: every cell of a text column,
/// and in a numeric column the missing markers and numbers not written canonically
/// (``DecimalText``). Dictionary-encoded: each distinct text is stored once.
struct CellTexts: Sendable {
    /// The distinct texts.
    let dictionary: [String]
    /// Which cells have a kept text.
    let layout: Layout

    enum Layout: Sendable {
        /// One code per cell, −1 where the cell's text is its value's canonical spelling.
        case dense([Int32])
        /// The rows (ascending) with a kept text, and each one's code; other cells are canonical.
        case sparse(rows: [Int32], codes: [Int32])
    }

    /// The code of row `i`'s kept text, or nil when the value gives the text.
    @inline(__always)
    func code(_ i: Int) -> Int32? {
        switch layout {
        case let .dense(codes):
            let c = codes[i]
            return c >= 0 ? c : nil
        case let .sparse(rows, codes):
            var lo = 0, hi = rows.count
            let target = Int32(i)
            while lo < hi {
                let mid = (lo + hi) / 2
                if rows[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            return lo < rows.count && rows[lo] == target ? codes[lo] : nil
        }
    }

    /// Chooses the layout for `count` cells of which `rows` (ascending) have kept texts: dense
    /// once more than one cell in eight has one (4 bytes a cell beats 8 bytes a kept cell).
    init(dictionary: [String], rows: [Int32], codes: [Int32], count: Int) {
        self.dictionary = dictionary
        if rows.count * 8 > count {
            var dense = [Int32](repeating: -1, count: count)
            for (k, r) in rows.enumerated() { dense[Int(r)] = codes[k] }
            layout = .dense(dense)
        } else {
            layout = .sparse(rows: rows, codes: codes)
        }
    }
}

/// A column's cell texts as a collection: each cell's text, trimmed of surrounding spaces,
/// without the apostrophe a Varex writer adds (``SpreadsheetText``) — what the CSV held.
public struct ColumnCells: RandomAccessCollection, Sendable {
    let values: [Extended]
    let texts: CellTexts

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }

    public subscript(i: Int) -> String {
        if let c = texts.code(i) { return texts.dictionary[Int(c)] }
        return DecimalText.canonicalText(values[i])
    }

    /// Whether the cells are `texts`, in order.
    public static func == (cells: ColumnCells, texts: [String]) -> Bool { cells.elementsEqual(texts) }
}

/// How one cell reads: missing, a number (with whether its text is canonical), or text.
enum CellReading {
    case missing
    case number(Extended, canonical: Bool)
    case text

    /// Reads a cell's text as stored (trimmed of blanks, apostrophe removed) — the rules of
    /// ``MissingValues`` and ``NumberParsing`` on the text trimmed of spaces and tabs.
    static func of(_ cell: String) -> CellReading {
        let c = cell.trimmingSpaces
        if MissingValues.isMissing(Substring(c)) { return .missing }
        guard let v = NumberParsing.parse(c) else { return .text }
        var canonical = false
        if c.utf8.count == cell.utf8.count {
            var copy = c
            canonical = copy.withUTF8 { DecimalText.parse($0)?.canonical ?? false }
        }
        return .number(v, canonical: canonical)
    }

    /// The same reading straight from the bytes of a cell already trimmed of blanks, whose first
    /// byte is not an apostrophe. Nil when the bytes need the general rules (``of(_:)``).
    @inline(__always)
    static func fast(_ b: UnsafeBufferPointer<UInt8>) -> CellReading? {
        guard let first = b.first else { return .missing }
        switch first {
        case 0x30...0x39, 0x2D, 0x2B:
            if let (v, canonical) = DecimalText.parse(b) { return .number(v, canonical: canonical) }
            return nil
        case 0x2E: // "." or ".." or ".5"
            if b.count == 2 && b[1] == 0x2E { return .missing }
            if let (v, _) = DecimalText.parse(b) { return .number(v, canonical: false) }
            return nil
        case 0x4E, 0x3A, 0x5B, 0x09, 0x69, 0x49, 0x27: // N (NA, NaN, N/A), ':', '[', tab, inf, apostrophe
            return nil
        default:
            return b.last == 0x09 ? nil : .text
        }
    }
}

/// Collects kept cell texts, row by row in ascending order, encoding each distinct text once.
struct TextDictionary {
    private(set) var dictionary: [String] = []
    private var index: [String: Int32] = [:]
    private(set) var rows: [Int32] = []
    private(set) var codes: [Int32] = []

    /// The code of `text`, adding it if new.
    mutating func code(_ text: String) -> Int32 {
        if let c = index[text] { return c }
        let c = Int32(dictionary.count)
        dictionary.append(text)
        index[text] = c
        return c
    }

    /// Keeps `text` for `row` (rows must come in ascending order).
    mutating func keep(_ text: String, row: Int) {
        rows.append(Int32(row))
        codes.append(code(text))
    }

    /// Keeps an already-encoded text for `row`.
    mutating func keep(code: Int32, row: Int) {
        rows.append(Int32(row))
        codes.append(code)
    }

    func texts(count: Int) -> CellTexts {
        CellTexts(dictionary: dictionary, rows: rows, codes: codes, count: count)
    }
}
