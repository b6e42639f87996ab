import Varex

/// Everything a model run does before the fit: read the data, join the other files by the id,
/// check the ids, leave out the excluded rows and build the design. The linear and the
/// generalized linear runs both start here.
public struct ModelData: Sendable {
    public let request: FitRequest
    public let table: Table
    public let joinReports: [JoinReport]
    public let ids: RowIDs
    public let labels: [String]?
    public let formula: Formula
    public let design: DesignMatrix
    /// With random-effect terms: the mixed model's design (its fixed part is ``design``).
    public let mixed: MixedDesign?
    public let excludedRows: [Int]

    /// Reads and prepares the data. With `randomEffects`, the formula may hold lme4's
    /// random-effect terms (`(1 | code)`) and the design is a ``MixedDesign``.
    /// With `unit` (a panel's unit column), files join on the unit (each of its rows takes the
    /// file's one row for it) and `exclude` names units, every row of which is left out.
    public init(_ request: FitRequest, table preloaded: Table? = nil, randomEffects: Bool = false, unit: String? = nil) throws {
        guard request.level > 0, request.level < 1 else { throw RequestError.invalidLevel(request.level) }
        guard request.tolerance > 0, request.tolerance < 1 else { throw RequestError.invalidTolerance(request.tolerance) }
        // An index is computed on the rows the analysis keeps, so it reads the exclusions too.
        let loaded = try DataInput(path: request.dataPath, joins: request.joins, id: request.id, unit: unit,
                                   exclude: request.index == nil ? [] : request.exclude, subset: request.index == nil ? nil : request.subset,
                                   index: request.index).read(preloaded: preloaded)
        let table = loaded.table, reports = loaded.joinReports, ids = loaded.ids
        // `y ~ .`: every column of the (joined) data but the id and the label.
        let dot = table.names.filter { $0 != request.id && $0 != request.label }
        let mixedFormula = randomEffects && MixedFormula.hasRandomTerms(request.formula) ? try MixedFormula(request.formula, dot: dot) : nil
        let formula = try mixedFormula?.fixed ?? Formula(request.formula, dot: dot)
        let labels = try request.label.map { Array(try table.column($0).cells) }
        for column in request.keep { _ = try table.column(column) }
        let excluded = try DataInput.leftOut(table: table, ids: try unit.map { RowIDs(cells: try table.column($0).cells) } ?? ids,
                                             exclude: request.exclude, subset: request.subset, everyRow: unit != nil)
        self.excludedRows = excluded.keys.sorted()
        var options = DesignOptions(references: request.references, weights: request.weights, excluded: excluded,
                                    clusters: request.clusters, absorb: request.absorb)
        options.clusterTestDF = request.clusterTestDF
        if let mixedFormula {
            let mixed = try MixedDesign(formula: mixedFormula, table: table, options: options)
            self.mixed = mixed
            self.design = mixed.fixed
        } else {
            self.mixed = nil
            self.design = try DesignMatrix(formula: formula, table: table, options: options)
        }
        self.request = request
        self.table = table
        self.joinReports = reports
        self.ids = ids
        self.labels = labels
        self.formula = formula
    }

    /// The columns a user asked to keep beside the results (`--keep`), as (name, cells).
    public var keptColumns: [(name: String, cells: [String])] {
        request.keep.compactMap { name in (try? table.column(name)).map { (name, Array($0.cells)) } }
    }

    /// A per-row table over every input row: the id (and label and kept columns), `columns`
    /// with `cells` for the rows used, and a note for each row left out.
    public func perRowTable(columns: [String], used: [Int], cells: [[Cell]], leftOut: [DroppedRow]) -> OutputTable {
        var table = OutputTable.perRow(ids: ids, idName: request.id ?? "id", labels: labels, labelName: request.label,
                                       columns: columns, used: used, cells: cells, leftOut: leftOut)
        let kept = keptColumns
        if !kept.isEmpty {
            let lead = request.label == nil ? 1 : 2
            table.header.insert(contentsOf: kept.map(\.name), at: lead)
            for r in table.rows.indices { table.rows[r].insert(contentsOf: kept.map { Cell.text($0.cells[r]) }, at: lead) }
        }
        return table
    }
}
