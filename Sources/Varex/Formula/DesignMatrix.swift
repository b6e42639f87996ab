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

    public init(levels: [String], reference: Int) {
        self.levels = levels
        self.reference = reference
    }
}

/// Options that shape the design beyond the formula.
public struct DesignOptions: Sendable {
    /// Reference level per categorical variable, keyed by column name or variable label.
    public var references: [String: String]
    /// A column of case weights (WLS), if any.
    public var weights: String?
    /// Table rows (0-based) to leave out whatever their values, with the reason to report.
    public var excluded: [Int: String]
    /// Columns whose values cluster the rows (one, or two for two-way clustering).
    public var clusters: [String]
    /// Factors whose fixed effects are absorbed (the within transformation) instead of coded as
    /// dummy columns: one, or two.
    public var absorb: [String]
    /// Each categorical variable's coding (by variable index), fixed in advance instead of
    /// learned from the table's rows: a block of a file read in blocks is coded with the levels
    /// of the whole file. A variable named here is categorical whatever its column's cells.
    public var codings: [Int: CategoricalCoding]?
    /// The denominator df of tests with a clustered covariance.
    public var clusterTestDF: ClusterTestDF = .clusters

    public init(references: [String: String] = [:], weights: String? = nil, excluded: [Int: String] = [:], clusters: [String] = [],
                absorb: [String] = [], codings: [Int: CategoricalCoding]? = nil) {
        self.references = references
        self.weights = weights
        self.excluded = excluded
        self.clusters = clusters
        self.absorb = absorb
        self.codings = codings
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
    /// The sum of the formula's `offset()` terms for the rows used, if it has any.
    public let offset: [Extended]?
    /// For a `cbind(successes, failures)` response: the trials of the rows used (the response is
    /// then the proportion of successes).
    public let trials: [Extended]?
    /// The table rows (0-based) used, in table order.
    public let rows: [Int]
    /// The table rows left out, with reasons.
    public let dropped: [DroppedRow]
    /// The coding of each categorical variable, by variable index.
    public let codings: [Int: CategoricalCoding]
    /// What each basis variable (`poly()`, `scale()`) learned from the data, by variable index.
    public let bases: [Int: BasisParameters]
    /// The cluster of each used row, per clustering column (`--cluster`), with the column's name.
    public let clusters: [(name: String, labels: [String])]
    /// The denominator df of tests with a clustered covariance (``DesignOptions/clusterTestDF``).
    public let clusterTestDF: ClusterTestDF
    /// With `--absorb`: the absorbed factors (x and y are then within-transformed).
    public let absorbed: AbsorbedFactors?
    /// The response label (`y`, `log(spend)`).
    public var responseLabel: String { formula.response.map { formula.variables[$0].label } ?? "" }
    /// Number of rows in the table.
    public let tableRowCount: Int

    /// Builds the design of `formula` over `table`: the model frame (columns resolved and
    /// checked, rows left out, variables evaluated), the contrasts of the categorical variables,
    /// then the columns term by term.
    public init(formula: Formula, table: Table, options: DesignOptions = DesignOptions()) throws {
        let frame = try ModelFrame(formula: formula, table: table, options: options)
        let codings = try options.codings ?? Contrasts.codings(frame: frame, references: options.references)
        var (names, assign, x) = Self.columns(frame: frame, codings: codings)
        let yv = frame.numericValues[frame.responseIndex]!
        var y = frame.rows.map { yv[$0] }
        var absorbed: AbsorbedFactors? = nil
        if !options.absorb.isEmpty {
            let weights = frame.weightColumn.map { wc in frame.rows.map { wc.values[$0] } }
            absorbed = try AbsorbedFactors(frame: frame, formula: formula, response: y, weights: weights)
            var columns = (0..<x.columns).map { x.column($0) }
            if let k = assign.firstIndex(of: -1) { names.remove(at: k); assign.remove(at: k); columns.remove(at: k) }
            try absorbed!.transform(&columns, &y, weights: weights)
            x = ExtendedMatrix(rows: frame.rows.count, columns: columns.count) { j, out in out = columns[j] }
        }
        self.absorbed = absorbed
        self.formula = formula
        self.tableRowCount = table.rowCount
        self.rows = frame.rows
        self.dropped = frame.dropped
        self.codings = codings
        self.bases = frame.bases
        self.clusters = frame.clusterColumns.map { c in (c.name, frame.rows.map { c.cells[$0] }) }
        self.clusterTestDF = options.clusterTestDF
        self.columnNames = names
        self.assign = assign
        self.x = x
        self.y = y
        self.weights = frame.weightColumn.map { wc in frame.rows.map { wc.values[$0] } }
        if formula.offsets.isEmpty {
            self.offset = nil
        } else {
            self.offset = frame.rows.map { r in formula.offsets.reduce(Extended(0)) { $0 + frame.numericValues[$1]![r] } }
        }
        self.trials = frame.trials.map { t in frame.rows.map { t[$0] } }
    }

    /// The schema of this design: what building the model matrix of other rows needs.
    public var schema: ModelSchema {
        ModelSchema(formula: formula, codings: codings, bases: bases, columnNames: columnNames, assign: assign)
    }

    /// The columns over the frame's rows used.
    static func columns(frame: ModelFrame, codings: [Int: CategoricalCoding]) -> (names: [String], assign: [Int], x: ExtendedMatrix) {
        let used = frame.rows
        return columns(formula: frame.formula, codings: codings, bases: frame.bases, count: used.count,
                       // Every row used: the column as it is, not a copy.
                       numeric: { vi in let v = frame.numericValues[vi]!; return used.count == v.count ? v : used.map { v[$0] } },
                       categorical: { vi in frame.categoricalColumns[vi]!.levelIndices(rows: used, levels: codings[vi]!.levels) })
    }

    /// One design column: its name, its term and what it multiplies.
    struct ColumnRecipe {
        enum Factor {
            /// A numeric variable (by variable index).
            case numeric(Int)
            /// Column `k` of a basis variable.
            case basis(Int, Int)
            /// The indicator of level `k` of a categorical variable.
            case indicator(Int, Int32)
        }
        let name: String
        let assign: Int
        let factors: [Factor]
    }

    /// The design's columns, term by term: numeric variables multiply in; a categorical variable
    /// is coded by treatment contrasts when the term without it is in the model, by indicators
    /// otherwise (R's rule, including its special case for the first factor of a model without
    /// intercept).
    static func recipes(formula: Formula, codings: [Int: CategoricalCoding], basisSuffixes: (Int) -> [String]?) -> [ColumnRecipe] {
        var out: [ColumnRecipe] = []
        if formula.hasIntercept { out.append(ColumnRecipe(name: "(Intercept)", assign: -1, factors: [])) }
        let termSets = formula.terms.map { Set($0.variables) }
        var firstFactorTermSeen = false
        for (ti, term) in formula.terms.enumerated() {
            var block: [(name: String, factors: [ColumnRecipe.Factor])] = [("", [])]
            for vi in term.variables {
                let label = formula.variables[vi].label
                var factors: [(name: String, factor: ColumnRecipe.Factor)] = []
                if let coding = codings[vi] {
                    let margin = Set(term.variables).subtracting([vi])
                    var full = margin.isEmpty ? false : !termSets.contains(margin)
                    if margin.isEmpty && !formula.hasIntercept && !firstFactorTermSeen && term.variables.count == 1 {
                        full = true
                        firstFactorTermSeen = true
                    }
                    for (k, level) in coding.levels.enumerated() where full || k != coding.reference {
                        factors.append((label + level, .indicator(vi, Int32(k))))
                    }
                } else if let suffixes = basisSuffixes(vi) {
                    // A one-column basis is named by its term alone (R's model.matrix).
                    for (k, suffix) in suffixes.enumerated() { factors.append((label + (suffixes.count == 1 ? "" : suffix), .basis(vi, k))) }
                } else {
                    factors.append((label, .numeric(vi)))
                }
                var next: [(name: String, factors: [ColumnRecipe.Factor])] = []
                for f in factors {
                    for b in block { next.append((b.name.isEmpty ? f.name : b.name + ":" + f.name, b.factors + [f.factor])) }
                }
                block = next
            }
            for b in block { out.append(ColumnRecipe(name: b.name, assign: ti, factors: b.factors)) }
        }
        return out
    }

    /// The design over `count` rows whose numeric variables' values and categorical variables'
    /// level indices (−1 for none of the levels) the two functions give, built one column at a
    /// time into its single store (``ExtendedMatrix``).
    static func columns(formula: Formula, codings: [Int: CategoricalCoding], bases: [Int: BasisParameters], count m: Int,
                        numeric: (Int) -> [Extended], categorical: (Int) -> [Int32])
        -> (names: [String], assign: [Int], x: ExtendedMatrix) {
        var basisColumns: [Int: [(suffix: String, values: [Extended])]] = [:]
        func basis(_ vi: Int) -> [(suffix: String, values: [Extended])] {
            if let b = basisColumns[vi] { return b }
            let b = bases[vi].map { $0.columns(numeric(vi)).map { ($0.suffix, $0.values) } } ?? []
            basisColumns[vi] = b
            return b
        }
        let recipes = recipes(formula: formula, codings: codings, basisSuffixes: { bases[$0] == nil ? nil : basis($0).map(\.suffix) })
        var levelIndices: [Int: [Int32]] = [:]
        let x = ExtendedMatrix(rows: m, columns: recipes.count) { j, out, doubles in
            // The intercept and products of indicators are 0 or 1: exact in double, written directly.
            let indicators = recipes[j].factors.compactMap { f -> (Int, Int32)? in
                if case let .indicator(vi, level) = f { return (vi, level) } else { return nil }
            }
            if indicators.count == recipes[j].factors.count {
                for i in 0..<m { doubles[i] = 1 }
                for (vi, level) in indicators {
                    if levelIndices[vi] == nil { levelIndices[vi] = categorical(vi) }
                    let codes = levelIndices[vi]!
                    for i in 0..<m where codes[i] != level { doubles[i] = 0 }
                }
                return true
            }
            // The first factor is copied, the others multiply in.
            for (k, factor) in recipes[j].factors.enumerated() {
                switch factor {
                case let .numeric(vi):
                    let v = numeric(vi)
                    if k == 0 { for i in 0..<m { out[i] = v[i] } } else { for i in 0..<m { out[i] *= v[i] } }
                case let .basis(vi, b):
                    let v = basis(vi)[b].values
                    if k == 0 { for i in 0..<m { out[i] = v[i] } } else { for i in 0..<m { out[i] *= v[i] } }
                case let .indicator(vi, level):
                    if levelIndices[vi] == nil { levelIndices[vi] = categorical(vi) }
                    let codes = levelIndices[vi]!
                    if k == 0 { for i in 0..<m { out[i] = codes[i] == level ? 1 : 0 } } else { for i in 0..<m { out[i] *= codes[i] == level ? 1 : 0 } }
                }
            }
            return false
        }
        return (recipes.map(\.name), recipes.map(\.assign), x)
    }
}
