import VarexLinearAlgebra

/// R's model frame: the columns every variable of a formula reads, resolved and checked, the
/// rows left out (excluded, a missing cell, a non-finite transform, a zero weight), and the
/// numeric variables evaluated in extended precision on the rows kept.
struct ModelFrame {
    let formula: Formula
    let table: Table
    let responseIndex: Int
    /// Numeric columns by name.
    let numericColumns: [String: Column]
    /// Categorical variables' columns, by variable index.
    let categoricalColumns: [Int: Column]
    let weightColumn: Column?
    /// The clustering columns (`--cluster`).
    let clusterColumns: [Column]
    /// The absorbed factors' columns (`--absorb`).
    let absorbColumns: [Column]
    /// Each numeric variable's values over the table, by variable index: read them on `rows` only
    /// (a row left out may hold a value or NaN).
    let numericValues: [Int: [Extended]]
    /// For a `cbind(successes, failures)` response: successes + failures over the table (the
    /// response is then the proportion successes / trials, 0 where there are no trials).
    let trials: [Extended]?
    /// What each basis variable (`poly`, `scale`) learned, by variable index: from every row
    /// not excluded where its argument has a value, as R's model frame sees the data.
    let bases: [Int: BasisParameters]
    /// The table rows used, in order, and those left out with the reason.
    let rows: [Int]
    let dropped: [DroppedRow]

    init(formula: Formula, table: Table, options: DesignOptions) throws {
        guard let responseIndex = formula.response else {
            throw FormulaError.syntax(formula: formula.text, position: 1, message: "the formula has no response; write it as 'y ~ x1 + x2'")
        }
        self.formula = formula
        self.table = table
        self.responseIndex = responseIndex
        let (numericColumns, categoricalColumns) = try Self.resolve(formula: formula, table: table, responseIndex: responseIndex,
                                                                   categorical: Set(options.codings.map { Array($0.keys) } ?? []))
        let weightColumn = try options.weights.map { try Self.requireNumeric($0, in: table) }
        self.numericColumns = numericColumns
        // Levels and groups of a numeric column are its values, not its spellings.
        self.categoricalColumns = categoricalColumns.mapValues(\.byValue)
        self.weightColumn = weightColumn
        let clusterColumns = try options.clusters.map { try table.column($0).byValue }
        self.clusterColumns = clusterColumns
        let absorbColumns = try options.absorb.map { try table.column($0).byValue }
        self.absorbColumns = absorbColumns
        try Self.checkValues(table: table, numeric: Array(numericColumns.values), weights: weightColumn)

        let n = table.rowCount
        var dropReason = [String?](repeating: nil, count: n)
        for (row, reason) in options.excluded where row < n { dropReason[row] = reason }
        let columnOrder = formula.columns + (options.weights.map { [$0] } ?? []) + options.clusters + options.absorb
        // Each column's missing flags, resolved once, in the order the reasons name them.
        let checks: [(reason: String, missing: [Bool])] = columnOrder.compactMap { name in
            let c = numericColumns[name] ?? weightColumn.flatMap { $0.name == name ? $0 : nil }
                ?? categoricalColumns.values.first { $0.name == name } ?? clusterColumns.first { $0.name == name }
                ?? absorbColumns.first { $0.name == name }
            return c.map { ("missing \(name)", $0.isMissing) }
        }
        for row in 0..<n where dropReason[row] == nil {
            for check in checks where check.missing[row] { dropReason[row] = check.reason; break }
        }
        // A comparison is missing where one of its columns is.
        for (vi, c) in categoricalColumns {
            guard case let .logical(e) = formula.variables[vi].source else { continue }
            for row in 0..<n where dropReason[row] == nil && c.isMissing[row] {
                dropReason[row] = "missing \(e.columns.first { (try? table.column($0).isMissing[row]) == true } ?? formula.variables[vi].label)"
            }
        }
        var evaluated: [Int: [Extended]] = [:]
        for (vi, v) in formula.variables.enumerated() where categoricalColumns[vi] == nil {
            if case let .column(name) = v.source {
                // A column as it is: its values, shared, not copied. A missing cell has dropped
                // its row above and an infinite one was refused by `checkValues`, so every value
                // on a row used is finite.
                evaluated[vi] = numericColumns[name]!.values
                continue
            }
            var column = [Extended](repeating: .nan, count: n)
            for row in 0..<n where dropReason[row] == nil {
                let value: Extended
                switch v.source {
                case let .column(name): value = numericColumns[name]!.values[row]
                case let .expression(e): value = e.evaluate { numericColumns[$0]!.values[row] }
                case let .basis(b): value = b.argument.evaluate { numericColumns[$0]!.values[row] }
                case .categorical, .logical: value = .nan
                }
                if !value.isFinite { dropReason[row] = "\(v.label) is not finite" } else { column[row] = value }
            }
            evaluated[vi] = column
        }
        var values = evaluated
        var trials: [Extended]? = nil
        if case let .expression(.call("cbind", pair)) = formula.variables[responseIndex].source {
            var t = [Extended](repeating: .nan, count: n)
            var y = [Extended](repeating: .nan, count: n)
            for row in 0..<n where dropReason[row] == nil {
                let value = { (name: String) in numericColumns[name]!.values[row] }
                let a = pair[0].evaluate(value), b = pair[1].evaluate(value)
                guard a.isFinite, b.isFinite else { dropReason[row] = "\(formula.variables[responseIndex].label) is not finite"; continue }
                t[row] = a + b
                y[row] = a + b == 0 ? 0 : a / (a + b)
            }
            values[responseIndex] = y
            trials = t
        }
        self.trials = trials
        var bases: [Int: BasisParameters] = [:]
        for (vi, v) in formula.variables.enumerated() {
            guard case let .basis(b) = v.source else { continue }
            var learned: [Extended] = []
            for row in 0..<n where options.excluded[row] == nil {
                guard !b.argument.columns.contains(where: { numericColumns[$0]!.isMissing[row] }) else { continue }
                let x = b.argument.evaluate { numericColumns[$0]!.values[row] }
                if x.isFinite { learned.append(x) }
            }
            bases[vi] = BasisParameters.learn(b, from: learned)
        }
        self.bases = bases
        if let wc = weightColumn {
            for row in 0..<n where dropReason[row] == nil && wc.values[row] == 0 { dropReason[row] = "weight is zero" }
        }
        numericValues = values
        rows = (0..<n).filter { dropReason[$0] == nil }
        dropped = (0..<n).compactMap { r in dropReason[r].map { DroppedRow(row: r, reason: $0) } }
    }

    /// The numeric and categorical columns of every variable, checked for kind.
    /// Which variables are numeric columns and which categorical; `categorical` names variables
    /// known to be categorical whatever their cells (a block of a file read in blocks).
    static func resolve(formula: Formula, table: Table, responseIndex: Int,
                        categorical known: Set<Int> = []) throws -> (numeric: [String: Column], categorical: [Int: Column]) {
        var numeric: [String: Column] = [:]
        var categorical: [Int: Column] = [:]
        for (vi, v) in formula.variables.enumerated() {
            switch v.source {
            case let .column(name):
                let c = try table.column(name)
                if known.contains(vi) { categorical[vi] = c; continue }
                if c.kind == .numeric { numeric[name] = c; continue }
                if c.isMostlyNumeric, let bad = c.firstNonNumericRow {
                    throw DataError.mostlyNumeric(table.location(row: bad, column: name), text: c.cells[bad])
                }
                if vi == responseIndex { throw FormulaError.categoricalResponse(name) }
                categorical[vi] = c
            case let .categorical(name):
                if vi == responseIndex { throw FormulaError.categoricalResponse(v.label) }
                categorical[vi] = try table.column(name)
            case let .expression(e):
                for name in e.columns { numeric[name] = try requireNumeric(name, in: table) }
            case let .basis(b):
                for name in b.argument.columns { numeric[name] = try requireNumeric(name, in: table) }
            case let .logical(e):
                if vi == responseIndex { throw FormulaError.categoricalResponse(v.label) }
                categorical[vi] = try logicalColumn(e, label: v.label, table: table)
            }
        }
        return (numeric, categorical)
    }

    /// A comparison's TRUE/FALSE per row ("NA" where an input is missing), as a column.
    static func logicalColumn(_ e: Expression, label: String, table: Table) throws -> Column {
        let columns = try e.columns.map { try table.column($0) }
        var byName: [String: Column] = [:]
        for c in columns { byName[c.name] = c }
        let cells = (0..<table.rowCount).map { r -> String in
            if columns.contains(where: { $0.isMissing[r] }) { return "NA" }
            let t = e.truth(cell: { byName[$0]!.cells[r] }, value: { byName[$0]!.values[r] })
            return t.map { $0 ? "TRUE" : "FALSE" } ?? "NA"
        }
        return Column(name: label, cells: cells)
    }

    /// A column that must hold numbers; a text cell is an error naming it.
    static func requireNumeric(_ name: String, in table: Table) throws -> Column {
        let c = try table.column(name)
        if c.kind == .text, let bad = c.firstNonNumericRow {
            if c.isMostlyNumeric { throw DataError.mostlyNumeric(table.location(row: bad, column: name), text: c.cells[bad]) }
            throw DataError.notANumber(table.location(row: bad, column: name), text: c.cells[bad])
        }
        return c
    }

    /// Infinite values in any numeric column the model reads, and negative weights, are errors
    /// wherever they are (first by row, then by the column's place in the file).
    static func checkValues(table: Table, numeric: [Column], weights: Column?) throws {
        let checked = (numeric + (weights.map { [$0] } ?? [])).sorted { a, b in
            (table.names.firstIndex(of: a.name) ?? 0) < (table.names.firstIndex(of: b.name) ?? 0)
        }
        for row in 0..<table.rowCount {
            for c in checked where c.values[row].isInfinite {
                throw DataError.infiniteValue(table.location(row: row, column: c.name), text: c.cells[row])
            }
        }
        if let wc = weights {
            for row in 0..<table.rowCount where !wc.isMissing[row] && wc.values[row] < 0 {
                throw DataError.negativeWeight(table.location(row: row, column: wc.name), text: wc.cells[row])
            }
        }
    }
}
