import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// A linear model fitted to a CSV read a block of rows at a time (`varex fit --stream`), in
/// memory bounded by the block and the number of coefficients, not by the rows: each block's
/// design updates a tall-skinny QR of [X y] (``TallSkinnyQR``); a second pass gives each row's
/// fitted value, residual, leverage (from R) and influence measures, as the in-memory fit does.
///
/// Categorical terms take a first pass of their own: the levels of the rows used in the whole
/// file, coded as the in-memory fit codes them (sorted, unused levels dropped, the reference the
/// user names), so every block is coded alike. A column is categorical when its cells in the
/// first block are (text, not mostly numbers); a later block's text in a numeric column is an
/// error naming its row. OLS, or WLS with a column of case weights (each row of [X y] scaled by
/// √w, as `lm` does); bases, offsets and aliased columns are refused with a message (fit in
/// memory for those).
public struct StreamingFit: Sendable {
    public let formula: Formula
    /// Each categorical variable's coding (by variable index), from the whole file.
    public let codings: [Int: CategoricalCoding]
    /// Columns clustering the rows (a row missing one is left out, as in memory).
    public let clusters: [String]
    /// The column of case weights (WLS), if any: a row of weight zero is left out, as in memory.
    public let weights: String?
    public let columnNames: [String]
    /// Each column's formula term (−1: the intercept), as ``DesignMatrix/assign``.
    public let assign: [Int]
    public let responseLabel: String
    /// Coefficients by design column.
    public let coefficients: [Double]
    /// (XᵀX)⁻¹.
    public let unscaledCovariance: Matrix
    /// Rows used.
    public let n: Int
    public let rss: Double
    /// Σw(y − ȳ_w)² with an intercept, Σwy² without (w = 1 unweighted).
    public let totalSumOfSquares: Double
    /// Σ log w over the rows used (0 unweighted), for the log-likelihood.
    public let sumLogWeights: Double
    /// Rows left out (missing values), by row of the file.
    public let dropped: [DroppedRow]
    /// The rows asked for (`subset`, excluded ids); the others are in `dropped`.
    public let selection: StreamRowSelection
    /// Rows in the file.
    public let tableRowCount: Int
    /// Blocks read.
    public let blocks: Int
    let qr: TallSkinnyQR
    /// Σy over the rows used, in extended precision: the second pass must find the same.
    let responseSum: Extended

    public var p: Int { columnNames.count }
    public var dfResidual: Int { n - p }
    public var sigma: Double { (rss / Double(dfResidual)).squareRoot() }

    /// Fits `formula` to the blocks `reader` reads. With categorical terms the file is read twice
    /// (their levels, then the fit), the second time from `reopen`; without it (standard input)
    /// they are refused.
    ///
    /// With `memory`, `reader` should start with small blocks (``StreamMemory/probeBytes``): the
    /// first block finds the design's width and the text's bytes per row, and the block of every
    /// later read is set from them (`blockBytes` is told it, for the passes after the fit).
    public static func fit(formula: Formula, reader: CSVBlockReader, reopen: (() throws -> CSVBlockReader)?,
                           references: [String: String] = [:], clusters: [String] = [], weights: String? = nil,
                           selection: StreamRowSelection = StreamRowSelection(), memory: StreamMemory? = nil,
                           blockBytes: ((Int) -> Void)? = nil) throws -> StreamingFit {
        var reader = reader
        guard let first = try reader.next() else { throw ModelError.allRowsDropped(total: 0, commonestReason: "no rows") }
        let textBytesPerRow = reader.bytesPerRow
        let codings: [Int: CategoricalCoding]
        var pending: Table? = first
        let categorical = try categoricalVariables(formula: formula, block: first)
        if categorical.isEmpty {
            codings = [:]
            if !references.isEmpty { _ = try Contrasts.codings(frame: ModelFrame(formula: formula, table: first, options: DesignOptions()),
                                                                references: references) }
        } else {
            guard reopen != nil else { throw StreamError.categorical(formula.variables[categorical.min()!].label) }
            if let memory { reader.blockBytes = memory.levelsBlockBytes() }
            codings = try levels(formula: formula, categorical: categorical, first: first, rest: &reader, references: references,
                                 weights: weights, selection: selection)
        }
        if let memory {
            let width = try blockDesign(formula: formula, block: first, codings: codings, clusters: clusters, weights: weights).x.columns + 1
            let bytes = try memory.blockBytes(columns: width, textBytesPerRow: textBytesPerRow)
            blockBytes?(bytes)
            reader.blockBytes = bytes
        }
        if let reopen, !categorical.isEmpty {
            reader = try reopen()
            pending = nil
        }
        var qr: TallSkinnyQR? = nil
        var names: [String] = []
        var assign: [Int] = []
        var response = ""
        var n = 0
        var mean: Extended = 0, m2: Extended = 0, squares: Extended = 0, sum: Extended = 0, totalWeight: Extended = 0
        var sumLogWeights = 0.0
        var dropped: [DroppedRow] = []
        var rowsSeen = 0
        var excludedFound = Set<String>()
        while let block = try pending ?? reader.next() {
            pending = nil
            let design = try blockDesign(formula: formula, block: block, codings: codings, clusters: clusters, weights: weights,
                                         leftOut: try selection.leftOut(block, found: &excludedFound))
            if qr == nil {
                names = design.columnNames
                assign = design.assign
                response = design.responseLabel
                qr = TallSkinnyQR(columns: names.count + 1)
            }
            let m = design.y.count, p = names.count
            var data = design.x.rounded.storage
            data.reserveCapacity(m * (p + 1))
            data += design.y.map { Double($0) }
            let root = rootWeights(design)
            if let root { for j in 0...p { for i in 0..<m { data[i + j * m] *= root[i] } } }
            // A value finite in extended precision can overflow a double (1e400, or x² of 1e200):
            // named by its row, as the fit in memory names it, not a fit of NaNs.
            if let k = data.firstIndex(where: { !$0.isFinite }) {
                let j = k / m, i = k % m
                let name = j < p ? design.columnNames[j] : design.responseLabel
                throw ModelError.numerical("\(block.location(row: design.rows[i], column: name)): '\(name)' is not finite in double precision "
                                           + "(an overflow, such as exp() of a large value, or a number beyond 1.8e308); rescale the variable")
            }
            try qr!.add(block: data, rows: m)
            // West's weighted update of the mean and Σw(y − ȳ_w)².
            for (i, y) in design.y.enumerated() {
                n += 1
                let w = design.weights?[i] ?? 1
                totalWeight += w
                let d = y - mean
                mean += d * w / totalWeight
                m2 += w * d * (y - mean)
                squares += w * y * y
                sum += y
                if let root { sumLogWeights += 2 * log(root[i]) }
            }
            dropped += design.dropped.map { DroppedRow(row: block.firstRow + $0.row, reason: $0.reason) }
            rowsSeen = block.firstRow + block.rowCount
            Progress.report("fitting in blocks: \(reader.blocks) blocks, \(rowsSeen) rows")
        }
        if let missing = selection.exclude.subtracting(excludedFound).sorted().first { throw StreamError.unknownExcludedID(missing) }
        guard let qr else { throw ModelError.allRowsDropped(total: 0, commonestReason: "no rows") }
        let p = names.count
        if n == 0 { throw ModelError.allRowsDropped(total: rowsSeen, commonestReason: dropped.first?.reason ?? "no rows") }
        guard n > p else { throw ModelError.tooFewRows(used: n, coefficients: p, dropped: dropped.count) }
        if m2 == 0 { throw ModelError.constantResponse(response) }
        // A column (nearly) a combination of those before it: its diagonal of R against its norm.
        let w = p + 1
        for j in 0..<p {
            var norm = 0.0
            for i in 0...j { norm += qr.r[i + j * w] * qr.r[i + j * w] }
            if abs(qr.r[j + j * w]) <= 1e-7 * norm.squareRoot() { throw StreamError.aliased(names[j]) }
        }
        let b = try qr.solveLeading(p)
        let last = qr.r[p + p * w]
        return StreamingFit(formula: formula, codings: codings, clusters: clusters, weights: weights, columnNames: names, assign: assign, responseLabel: response, coefficients: b,
                            unscaledCovariance: try qr.inverseGram(p), n: n, rss: last * last,
                            totalSumOfSquares: Double(formula.hasIntercept ? m2 : squares), sumLogWeights: sumLogWeights, dropped: dropped, selection: selection,
                            tableRowCount: rowsSeen, blocks: reader.blocks, qr: qr, responseSum: sum)
    }

    /// The variables the first block makes categorical, as the in-memory model frame decides
    /// (its errors, such as a mostly numeric column with a stray text, are the in-memory ones).
    static func categoricalVariables(formula: Formula, block: Table) throws -> Set<Int> {
        let frame = try ModelFrame(formula: formula, table: block, options: DesignOptions())
        return Set(frame.categoricalColumns.keys)
    }

    /// The first pass for categorical terms: every block's rows used (as the model frame drops
    /// rows), each categorical variable's texts on them, and their codings as `Contrasts` makes
    /// them for the whole file.
    static func levels(formula: Formula, categorical: Set<Int>, first: Table, rest reader: inout CSVBlockReader,
                       references: [String: String], weights: String?, selection: StreamRowSelection) throws -> [Int: CategoricalCoding] {
        var texts = [Int: Set<String>]()
        var numericKind = [Int: Bool]()
        // Rows of weight zero are left out before their levels are seen, as in memory.
        var known = DesignOptions(weights: weights,
                                  codings: Dictionary(uniqueKeysWithValues: categorical.map { ($0, CategoricalCoding(levels: [], reference: 0)) }))
        var block: Table? = first
        var found = Set<String>()
        while let b = try block ?? reader.next() {
            block = nil
            try checkNumeric(formula: formula, block: b, categorical: categorical)
            // Rows outside the selection are left out before their levels are seen (R's subset
            // drops the levels only they have).
            known.excluded = try selection.leftOut(b, found: &found)
            let frame = try ModelFrame(formula: formula, table: b, options: known)
            for (vi, c) in frame.categoricalColumns {
                for r in frame.rows { texts[vi, default: []].insert(c.cells[r]) }
                numericKind[vi] = (numericKind[vi] ?? true) && c.kind == .numeric
            }
            Progress.report("levels of categorical terms: \(reader.blocks) blocks")
        }
        var remaining = references
        var codings = [Int: CategoricalCoding]()
        for vi in categorical.sorted() {
            let c = formula.variables[vi]
            codings[vi] = try Contrasts.coding(levels: texts[vi] ?? [], numericKind: numericKind[vi] ?? false, label: c.label,
                                               column: c.columns.first ?? c.label, references: &remaining)
        }
        if let unknown = remaining.keys.sorted().first { throw FormulaError.referenceForUnknownVariable(unknown) }
        return codings
    }

    /// Reads the file again a block at a time, each block coded as the fit coded it, and calls
    /// `body` with the block and its design. The pass must see the fit's rows (their count and
    /// the response's sum): a file that grew, shrank or changed between the passes is an error,
    /// not output from rows the fit never saw. `pass` names the pass in messages and progress.
    func eachBlock(open: () throws -> CSVBlockReader, pass: String, _ body: (Table, DesignMatrix) throws -> Void) throws {
        var reader = try open()
        var rowsRead = 0, used = 0
        var sum: Extended = 0
        var found = Set<String>()
        while let block = try reader.next() {
            let design = try Self.blockDesign(formula: formula, block: block, codings: codings, clusters: clusters, weights: weights,
                                              leftOut: try selection.leftOut(block, found: &found))
            rowsRead = block.firstRow + block.rowCount
            used += design.y.count
            for y in design.y { sum += y }
            guard rowsRead <= tableRowCount, used <= n else {
                throw StreamError.fileChanged("the \(pass) read \(rowsRead) rows (\(used) used) where the fit read \(tableRowCount) (\(n) used)")
            }
            try body(block, design)
            Progress.report("\(pass) in blocks: \(reader.blocks) blocks")
        }
        guard rowsRead == tableRowCount, used == n else {
            throw StreamError.fileChanged("the \(pass) read \(rowsRead) rows (\(used) used) where the fit read \(tableRowCount) (\(n) used)")
        }
        guard sum == responseSum else { throw StreamError.fileChanged("the response's values are not those the fit read") }
    }

    /// A text cell in a column the model reads as numbers is an error naming its row, in any block.
    static func checkNumeric(formula: Formula, block: Table, categorical: Set<Int>) throws {
        // `factor(x)` reads x as categories whatever its cells, as a text column is read.
        let categoricalColumns = Set(categorical.compactMap { vi -> String? in
            switch formula.variables[vi].source {
            case let .column(name), let .categorical(name): return name
            default: return nil
            }
        })
        for name in Set(formula.columns) where !categoricalColumns.contains(name) {
            let c = try block.column(name)
            guard c.kind == .text, let bad = c.firstNonNumericRow else { continue }
            throw DataError.notANumber(block.location(row: bad, column: name), text: c.cells[bad])
        }
    }

    /// A block's design, coded with the whole file's levels, with what a fit in blocks cannot
    /// take refused (offsets and count pairs, unless `glm`).
    static func blockDesign(formula: Formula, block: Table, codings: [Int: CategoricalCoding], clusters: [String] = [],
                            weights: String? = nil, leftOut: [Int: String] = [:], glm: Bool = false) throws -> DesignMatrix {
        try checkNumeric(formula: formula, block: block, categorical: Set(codings.keys))
        var options = DesignOptions(codings: codings.isEmpty ? nil : codings)
        options.clusters = clusters
        options.weights = weights
        options.excluded = leftOut
        let design = try DesignMatrix(formula: formula, table: block, options: options)
        // A level the first pass did not see would be coded as no level at all: only a file that
        // changed between the passes has one.
        for (vi, coding) in codings {
            let v = formula.variables[vi]
            let c: Column
            switch v.source {
            case let .column(name), let .categorical(name): c = try block.column(name).byValue
            case let .logical(e): c = try ModelFrame.logicalColumn(e, label: v.label, table: block)
            case .expression, .basis: continue
            }
            if let k = c.levelIndices(rows: design.rows, levels: coding.levels).firstIndex(of: -1) {
                throw StreamError.changed(block.location(row: design.rows[k], column: c.name), level: c.cells[design.rows[k]])
            }
        }
        if !design.bases.isEmpty { throw StreamError.basis(design.bases.keys.map { formula.variables[$0].label }.sorted()[0]) }
        // A GLM (``StreamingGLM``) takes offsets and count pairs.
        if design.offset != nil && !glm { throw StreamError.offset }
        if design.trials != nil && !glm { throw ModelError.needsFamily("a cbind(successes, failures) response") }
        return design
    }
}

extension StreamingFit {
    /// √w for each row of a block's design, nil unweighted: a weighted row of [X y] is the row
    /// times √w, its residual for the influence measures and the sandwich √w·e.
    static func rootWeights(_ design: DesignMatrix) -> [Double]? {
        design.weights.map { $0.map { Double($0).squareRoot() } }
    }
}

/// What a fit read in blocks (`--stream`) cannot do in this version.
public enum StreamError: SettingMessage, Equatable {
    case categorical(String)
    case basis(String)
    case offset
    case aliased(String)
    /// The residuals' pass found other rows than the fit's: the file changed between them.
    case fileChanged(String)
    /// A level in the fit's pass that the levels' pass did not see: the file changed meanwhile.
    case changed(CellLocation, level: String)
    /// An id to leave out that no row of the file has.
    case unknownExcludedID(String)
    /// `--memory` too small for even the smallest block of the design.
    case memoryTooSmall(budget: Int, columns: Int, needed: Int)

    public var exitCode: Int32 { 1 }
    public func message(naming names: SettingNames) -> String {
        let stream = names.name(.stream)
        switch self {
        case let .memoryTooSmall(budget, columns, needed):
            return "\(stream): a design of \(columns) columns (with the response) needs about \(StreamMemory.describe(needed)) for blocks of "
                + "\(StreamMemory.minimumRows) rows, more than \(names.name(.memory)) \(StreamMemory.describe(budget)): give "
                + "\(names.name(.memory)) \(StreamMemory.describe(needed)) or more, or fewer columns (a factor with fewer levels)"
        case let .categorical(name):
            return "\(stream): '\(name)' is categorical: its levels take a pass through the file before the fit, so give the file, not standard input"
        case let .basis(name):
            return "\(stream): '\(name)' learns from all the data first; a fit read in blocks cannot (fit in memory without \(stream))"
        case .offset:
            return "\(stream): a fit read in blocks takes no offset() term (fit in memory without \(stream))"
        case let .changed(location, level):
            return "\(location): '\(MessageText.quote(level))' is a level the first pass through the file did not see (\(stream)): the file changed while it was read"
        case let .fileChanged(what):
            return "\(stream): the file changed between the fit and the residuals' pass (\(what)); run again on a file that stays as it is"
        case let .aliased(name):
            return "\(stream): '\(name)' is a linear combination of the columns before it; fit in memory, which drops it as R does"
        case let .unknownExcludedID(id):
            return "\(names.name(.exclude)) \(id): no row has that id"
        }
    }
}

extension StreamingFit {
    /// The ids of the rows the fit used, in file order, from one more pass: the `idColumn`'s
    /// cells, or row numbers 1…n without one (as a saved model lists them).
    public func rowsUsed(open: () throws -> CSVBlockReader, idColumn: String?) throws -> [String] {
        var ids: [String] = []
        ids.reserveCapacity(n)
        try eachBlock(open: open, pass: "ids' pass") { block, design in
            let column = try idColumn.map { try block.column($0) }
            for r in design.rows { ids.append(column.map { $0.cells[r] } ?? String(block.firstRow + r + 1)) }
        }
        return ids
    }
}
