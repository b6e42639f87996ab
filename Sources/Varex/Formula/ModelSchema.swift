import VarexLinearAlgebra

/// What a fitted design knows that building the model matrix of other rows needs (StatsModels'
/// schema): the formula, each categorical variable's levels and reference as the fit saw them,
/// and the columns with their terms. New rows are coded with the fit's levels, never their own.
public struct ModelSchema: Sendable {
    public let formula: Formula
    /// The coding of each categorical variable, by variable index in ``formula``.
    public let codings: [Int: CategoricalCoding]
    /// What each basis variable learned from the fitted data, by variable index.
    public let bases: [Int: BasisParameters]
    public let columnNames: [String]
    /// For each column, the index of its term, or -1 for the intercept.
    public let assign: [Int]

    public init(formula: Formula, codings: [Int: CategoricalCoding], bases: [Int: BasisParameters] = [:],
                columnNames: [String], assign: [Int]) {
        self.formula = formula
        self.codings = codings
        self.bases = bases
        self.columnNames = columnNames
        self.assign = assign
    }

    /// The model matrix of `rows` of `table` (all rows when nil) under this schema. A row whose
    /// predictor is missing or not finite, or whose category the fit never saw, gets no row of
    /// the matrix but a note saying why; the response is read where the table has it.
    public func modelMatrix(table: Table, rows: [Int]? = nil) throws -> SchemaRows {
        let wanted = rows ?? Array(0..<table.rowCount)
        var note = [Int: String]()
        var numeric: [Int: [Extended]] = [:]
        var cells: [Int: [String]] = [:]
        let responseIndex = formula.response
        for (vi, v) in formula.variables.enumerated() where vi != responseIndex {
            if let coding = codings[vi] {
                let c: Column
                switch v.source {
                case let .column(n), let .categorical(n): c = try table.column(n).byValue
                case let .logical(e): c = try ModelFrame.logicalColumn(e, label: v.label, table: table)
                case .expression, .basis: continue
                }
                let name = c.name
                var values = [String](repeating: "", count: table.rowCount)
                for r in wanted where note[r] == nil {
                    if c.isMissing[r] { note[r] = "missing \(name)"; continue }
                    if !coding.levels.contains(c.cells[r]) {
                        note[r] = "\(v.label) '\(MessageText.quote(c.cells[r]))' is not a level the model was fitted with"
                        continue
                    }
                    values[r] = c.cells[r]
                }
                cells[vi] = values
            } else {
                numeric[vi] = try Self.evaluate(v, table: table, rows: wanted, note: &note)
            }
        }
        var observed: [Extended]? = nil
        if let ri = responseIndex, formula.variables[ri].columns.allSatisfy({ table.names.contains($0) }) {
            var unused = [Int: String]()
            if let y = try? Self.evaluate(formula.variables[ri], table: table, rows: wanted, note: &unused) { observed = y }
        }
        // A spline is defined between the boundary knots it learned; a new row outside them
        // gets a note, not an extrapolation.
        for (vi, parameters) in bases {
            guard case let .spline(knots) = parameters, let values = numeric[vi] else { continue }
            for r in wanted where note[r] == nil && !(values[r] >= Extended(knots.boundary[0]) && values[r] <= Extended(knots.boundary[1])) {
                note[r] = "\(formula.variables[vi].label): \(Double(values[r])) is outside the range the spline was fitted on"
            }
        }
        let used = wanted.filter { note[$0] == nil }
        let (_, _, x) = DesignMatrix.columns(formula: formula, codings: codings, bases: bases, count: used.count,
                                             numeric: { vi in let v = numeric[vi]!; return used.map { v[$0] } },
                                             categorical: { vi in
                                                 let c = cells[vi]!
                                                 var index: [String: Int32] = [:]
                                                 for (k, level) in codings[vi]!.levels.enumerated() { index[level] = Int32(k) }
                                                 return used.map { index[c[$0]] ?? -1 }
                                             })
        let offset: [Extended]? = formula.offsets.isEmpty ? nil : used.map { r in
            formula.offsets.reduce(Extended(0)) { $0 + numeric[$1]![r] }
        }
        return SchemaRows(rows: used, x: x,
                          observed: observed.map { y in used.map { y[$0] } }, notes: note, offset: offset)
    }

    /// A numeric variable over the table's rows (NaN where it cannot be evaluated, with a note).
    static func evaluate(_ v: ModelVariable, table: Table, rows: [Int], note: inout [Int: String]) throws -> [Extended] {
        var columns: [String: Column] = [:]
        for name in v.columns { columns[name] = try ModelFrame.requireNumeric(name, in: table) }
        var out = [Extended](repeating: .nan, count: table.rowCount)
        for r in rows where note[r] == nil {
            if let missing = v.columns.first(where: { columns[$0]!.isMissing[r] }) { note[r] = "missing \(missing)"; continue }
            let value: Extended
            switch v.source {
            case let .column(name): value = columns[name]!.values[r]
            case let .expression(e): value = e.evaluate { columns[$0]!.values[r] }
            case let .basis(b): value = b.argument.evaluate { columns[$0]!.values[r] }
            case .categorical, .logical: value = .nan
            }
            if value.isFinite { out[r] = value } else { note[r] = "\(v.label) is not finite" }
        }
        return out
    }
}

/// Rows of a table coded by a ``ModelSchema``.
public struct SchemaRows: Sendable {
    /// The table rows (0-based) that have a model-matrix row, in order.
    public let rows: [Int]
    /// The model matrix of those rows (rows × schema columns).
    public let x: ExtendedMatrix
    /// The response of those rows, when the table has its columns (NaN where missing).
    public let observed: [Extended]?
    /// Why each other requested row has none.
    public let notes: [Int: String]
    /// The formula's offset for those rows, when it has one.
    public let offset: [Extended]?

    public init(rows: [Int], x: ExtendedMatrix, observed: [Extended]?, notes: [Int: String], offset: [Extended]? = nil) {
        self.rows = rows
        self.x = x
        self.observed = observed
        self.notes = notes
        self.offset = offset
    }
}

extension ModelSchema {
    /// The column names the formula and codings produce (R's `model.matrix` names), to check a
    /// schema read from a file against its own formula.
    public var expectedColumnNames: [String] {
        DesignMatrix.columns(formula: formula, codings: codings, bases: bases, count: 0,
                             numeric: { _ in [] }, categorical: { _ in [] }).names
    }
}

extension SchemaRows {
    /// The coded rows for which `keep` (given the table row) is true.
    public func keeping(_ keep: (Int) -> Bool) -> SchemaRows {
        let positions = rows.indices.filter { keep(rows[$0]) }
        let p = x.columns
        var storage = [Extended](repeating: 0, count: positions.count * p)
        for j in 0..<p { for (k, i) in positions.enumerated() { storage[k + j * positions.count] = x[i, j] } }
        return SchemaRows(rows: positions.map { rows[$0] }, x: ExtendedMatrix(rows: positions.count, columns: p, columnMajor: storage),
                          observed: observed.map { y in positions.map { y[$0] } }, notes: notes,
                          offset: offset.map { o in positions.map { o[$0] } })
    }
}
