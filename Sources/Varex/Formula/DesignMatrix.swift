import VarexLinearAlgebra

/// A row of the data left out of the fit, with the reason, reported in every output.
public struct DroppedRow: Sendable, Equatable {
    /// 0-based row index in the table.
    public let row: Int
    /// Why: "missing imd_score", "log(x) is not finite", "weight is zero".
    public let reason: String

    public init(row: Int, reason: String) {
        self.row = row
        self.reason = reason
    }
}

/// How a categorical variable is coded: its levels (sorted, or as the user ordered the reference)
/// and which one is the reference.
public struct CategoricalCoding: Sendable, Equatable {
    public let levels: [String]
    public let reference: Int
}

/// Options that shape the design beyond the formula.
public struct DesignOptions: Sendable {
    /// Reference level per categorical variable, keyed by column name or variable label.
    public var references: [String: String]
    /// A column of case weights (WLS), if any.
    public var weights: String?
    /// Table rows (0-based) to leave out whatever their values, with the reason to report.
    public var excluded: [Int: String]

    public init(references: [String: String] = [:], weights: String? = nil, excluded: [Int: String] = [:]) {
        self.references = references
        self.weights = weights
        self.excluded = excluded
    }
}

/// The model matrix of a formula over a table, with the response, the weights, the rows used
/// and the rows left out. Everything is evaluated in extended precision (the fit rounds to
/// double for LAPACK and refines against these values).
public struct DesignMatrix: Sendable {
    public let formula: Formula
    /// The name of each column, as R's `model.matrix` names it.
    public let columnNames: [String]
    /// For each column, the index of its term in ``Formula/terms``, or -1 for the intercept
    /// (R's `assign` minus one).
    public let assign: [Int]
    /// The design (rows used × columns).
    public let x: ExtendedMatrix
    /// The response of the rows used.
    public let y: [Extended]
    /// The case weights of the rows used, if the fit is weighted.
    public let weights: [Extended]?
    /// The table rows (0-based) used, in table order.
    public let rows: [Int]
    /// The table rows left out, with reasons.
    public let dropped: [DroppedRow]
    /// The coding of each categorical variable, by variable index.
    public let codings: [Int: CategoricalCoding]
    /// The response label (`y`, `log(spend)`).
    public var responseLabel: String { formula.response.map { formula.variables[$0].label } ?? "" }
    /// Number of rows in the table.
    public let tableRowCount: Int

    /// Builds the design of `formula` over `table`.
    public init(formula: Formula, table: Table, options: DesignOptions = DesignOptions()) throws {
        self.formula = formula
        self.tableRowCount = table.rowCount
        guard let responseIndex = formula.response else {
            throw FormulaError.syntax(formula: formula.text, position: 1, message: "the formula has no response; write it as 'y ~ x1 + x2'")
        }
        let n = table.rowCount

        // Resolve the columns every variable reads and check their kinds.
        var numericColumns: [String: Column] = [:]
        var categoricalColumns: [Int: Column] = [:]
        func requireNumeric(_ name: String, for variable: String) throws -> Column {
            let c = try table.column(name)
            if c.kind == .text, let bad = c.firstNonNumericRow {
                if c.isMostlyNumeric { throw DataError.mostlyNumeric(table.location(row: bad, column: name), text: c.cells[bad]) }
                throw DataError.notANumber(table.location(row: bad, column: name), text: c.cells[bad])
            }
            return c
        }
        for (vi, v) in formula.variables.enumerated() {
            switch v.source {
            case let .column(name):
                let c = try table.column(name)
                if c.kind == .numeric { numericColumns[name] = c; continue }
                if c.isMostlyNumeric, let bad = c.firstNonNumericRow {
                    throw DataError.mostlyNumeric(table.location(row: bad, column: name), text: c.cells[bad])
                }
                if vi == responseIndex { throw FormulaError.categoricalResponse(name) }
                categoricalColumns[vi] = c
            case let .categorical(name):
                if vi == responseIndex { throw FormulaError.categoricalResponse(v.label) }
                categoricalColumns[vi] = try table.column(name)
            case let .expression(e):
                for name in e.columns { numericColumns[name] = try requireNumeric(name, for: v.label) }
            }
        }
        var weightColumn: Column? = nil
        if let w = options.weights { weightColumn = try requireNumeric(w, for: "weights") }

        // Infinite values in any numeric column the model reads are errors, wherever they are.
        let checked = (Array(numericColumns.values) + (weightColumn.map { [$0] } ?? [])).sorted { a, b in
            (table.names.firstIndex(of: a.name) ?? 0) < (table.names.firstIndex(of: b.name) ?? 0)
        }
        for row in 0..<n {
            for c in checked where c.values[row].isInfinite {
                throw DataError.infiniteValue(table.location(row: row, column: c.name), text: c.cells[row])
            }
        }
        if let wc = weightColumn {
            for row in 0..<n where !wc.isMissing[row] && wc.values[row] < 0 {
                throw DataError.negativeWeight(table.location(row: row, column: wc.name), text: wc.cells[row])
            }
        }

        // Rows left out: a missing cell in any column read, a non-finite transform, a zero weight.
        var dropReason = [String?](repeating: nil, count: n)
        for (row, reason) in options.excluded where row < n { dropReason[row] = reason }
        let columnOrder = formula.columns + (options.weights.map { [$0] } ?? [])
        for row in 0..<n where dropReason[row] == nil {
            for name in columnOrder {
                let c = numericColumns[name] ?? weightColumn.flatMap { $0.name == name ? $0 : nil }
                    ?? categoricalColumns.values.first { $0.name == name }
                if let c, c.isMissing[row] { dropReason[row] = "missing \(name)"; break }
            }
        }
        // Evaluate numeric variables (extended precision).
        var numericValues: [Int: [Extended]] = [:]
        for (vi, v) in formula.variables.enumerated() where categoricalColumns[vi] == nil {
            var values = [Extended](repeating: .nan, count: n)
            for row in 0..<n where dropReason[row] == nil {
                let value: Extended
                switch v.source {
                case let .column(name): value = numericColumns[name]!.values[row]
                case let .expression(e): value = e.evaluate { numericColumns[$0]!.values[row] }
                case .categorical: value = .nan
                }
                if !value.isFinite { dropReason[row] = "\(v.label) is not finite" } else { values[row] = value }
            }
            numericValues[vi] = values
        }
        if let wc = weightColumn {
            for row in 0..<n where dropReason[row] == nil && wc.values[row] == 0 { dropReason[row] = "weight is zero" }
        }
        let used = (0..<n).filter { dropReason[$0] == nil }
        self.rows = used
        self.dropped = (0..<n).compactMap { r in dropReason[r].map { DroppedRow(row: r, reason: $0) } }

        // Levels of categorical variables, from the rows used (unused levels dropped, as lm does).
        var codings: [Int: CategoricalCoding] = [:]
        var remainingReferences = options.references
        for (vi, c) in categoricalColumns.sorted(by: { $0.key < $1.key }) {
            var set = Set<String>()
            for r in used { set.insert(c.cells[r]) }
            var levels = Array(set)
            if c.kind == .numeric {
                levels.sort { (NumberParsing.parse($0) ?? 0) < (NumberParsing.parse($1) ?? 0) }
            } else {
                levels.sort()
            }
            var reference = 0
            let label = formula.variables[vi].label
            if let ref = remainingReferences[label] ?? remainingReferences[c.name] {
                guard let k = levels.firstIndex(of: ref) else {
                    throw FormulaError.unknownReference(variable: c.name, level: ref, levels: levels)
                }
                reference = k
                remainingReferences[label] = nil
                remainingReferences[c.name] = nil
            }
            codings[vi] = CategoricalCoding(levels: levels, reference: reference)
        }
        if let unknown = remainingReferences.keys.sorted().first { throw FormulaError.referenceForUnknownVariable(unknown) }
        self.codings = codings

        // Columns, term by term: numeric variables multiply in; a categorical variable is coded
        // by treatment contrasts when the term without it is in the model, by indicators
        // otherwise (R's rule, including its special case for the first factor of a model
        // without intercept).
        var names: [String] = []
        var assign: [Int] = []
        var columns: [[Extended]] = []
        let m = used.count
        if formula.hasIntercept {
            names.append("(Intercept)"); assign.append(-1)
            columns.append([Extended](repeating: 1, count: m))
        }
        let termSets = formula.terms.map { Set($0.variables) }
        var firstFactorTermSeen = false
        for (ti, term) in formula.terms.enumerated() {
            var block: [(name: String, values: [Extended])] = [("", [Extended](repeating: 1, count: m))]
            for vi in term.variables {
                let label = formula.variables[vi].label
                var factors: [(name: String, values: [Extended])] = []
                if let coding = codings[vi], let c = categoricalColumns[vi] {
                    let margin = Set(term.variables).subtracting([vi])
                    var full = margin.isEmpty ? false : !termSets.contains(margin)
                    if margin.isEmpty && !formula.hasIntercept && !firstFactorTermSeen && term.variables.count == 1 {
                        full = true
                        firstFactorTermSeen = true
                    }
                    for (k, level) in coding.levels.enumerated() where full || k != coding.reference {
                        factors.append((label + level, used.map { c.cells[$0] == level ? 1 : 0 }))
                    }
                } else {
                    let values = numericValues[vi]!
                    factors.append((label, used.map { values[$0] }))
                }
                var next: [(name: String, values: [Extended])] = []
                for f in factors {
                    for b in block {
                        let name = b.name.isEmpty ? f.name : b.name + ":" + f.name
                        next.append((name, zip(b.values, f.values).map { $0 * $1 }))
                    }
                }
                block = next
            }
            for b in block { names.append(b.name); assign.append(ti); columns.append(b.values) }
        }
        self.columnNames = names
        self.assign = assign
        self.x = ExtendedMatrix(rows: m, columns: names.count, columnMajor: columns.flatMap { $0 })
        let yv = numericValues[responseIndex]!
        self.y = used.map { yv[$0] }
        self.weights = weightColumn.map { wc in used.map { wc.values[$0] } }
    }
}
