/// The memory a fit read in blocks may use (`varex fit --stream --memory 512MB`), turned into
/// the bytes of the file each block reads once the design's width is known: a block's rows cost
/// their text parsed into a table (about 3.5 bytes a byte of CSV) and their design, about 26
/// bytes a column (30 allowed) (the extended-precision matrix, its double copy weighted for the QR, and the
/// QR's work). Measured on benchmark (e)'s file, 1,000,000 rows of 428 bytes: 20 numeric terms
/// peak at 55, 119 and 337 MB with 4, 16 and 64 MB blocks; with the 152-level council factor
/// (173 columns) at 106 and 932 MB with 4 and 64 MB; about 47 MB is the process itself (96 MB
/// allowed, for the summary's and the passes' own arrays).
public struct StreamMemory: Sendable, Equatable {
    /// The budget, in bytes.
    public let budget: Int

    /// The process's own memory, before any block: the runtime, the first block and the QR's
    /// state, with a margin.
    static let base = 96 << 20
    /// Bytes of memory per byte of a block's CSV text (the table of its cells).
    static let perTextByte = 3.5
    /// Bytes of memory per design column of a block row.
    static let perColumn = 30.0
    /// The fewest rows a block may have.
    static let minimumRows = 1000
    /// The block in which the width is found: 1 MB of the file.
    public static let probeBytes = 1 << 20

    public init(budget: Int) { self.budget = budget }

    /// Rows of a block that fit, for a design of `columns` (with the response) and rows of
    /// `textBytesPerRow` bytes of CSV.
    public func rows(columns: Int, textBytesPerRow: Double) -> Int {
        let perRow = Self.perTextByte * textBytesPerRow + Self.perColumn * Double(columns)
        return Int(Self.blockShare * Double(budget - Self.base) / perRow)
    }

    /// The share of the budget past the process's own that one block may take: the rest is
    /// room for the allocator, whose freed blocks are not always reused by the next (the
    /// 10,000,000-row factor model peaked at 445 MB of 512 when a block could take all of it).
    static let blockShare = 0.6

    /// The block's bytes of the file for a design of `columns`; an error naming the budget
    /// that would fit when even `minimumRows` rows do not.
    public func blockBytes(columns: Int, textBytesPerRow: Double) throws -> Int {
        let fit = budget > Self.base ? rows(columns: columns, textBytesPerRow: textBytesPerRow) : 0
        guard fit >= Self.minimumRows else {
            let perRow = Self.perTextByte * textBytesPerRow + Self.perColumn * Double(columns)
            let needed = Self.base + Int((perRow * Double(Self.minimumRows) / Self.blockShare).rounded(.up))
            throw StreamError.memoryTooSmall(budget: budget, columns: columns, needed: needed)
        }
        return max(Int(Double(fit) * textBytesPerRow), 1)
    }

    /// The bytes of a block that only collects categorical levels (a table, no design): as many
    /// as the budget allows, at most 16 MB.
    public func levelsBlockBytes() -> Int {
        max(Self.probeBytes, min(16 << 20, Int(Self.blockShare * Double(budget - Self.base) / Self.perTextByte)))
    }

    /// "512 MB", "1.5 GB".
    static func describe(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? "\(NumberFormat.significant(Double(bytes) / Double(1 << 30), 3)) GB" : "\((bytes + (1 << 20) - 1) >> 20) MB"
    }
}
