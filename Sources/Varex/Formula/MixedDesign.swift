import VarexLinearAlgebra

/// One random-effect term over the rows used: its own small model matrix (the effects), the
/// grouping factor's levels and each row's level. The term's columns of lme4's Z are the
/// effects times the indicator of each level.
public struct RandomEffectsBlock: Sendable {
    public let term: RandomTerm
    /// The effects' names (`(Intercept)`, `days`), as `model.matrix` names them.
    public let effectNames: [String]
    /// The grouping factor's levels, sorted (numbers by value), unused ones dropped.
    public let levels: [String]
    /// The level (index into ``levels``) of each row used.
    public let level: [Int]
    /// The effects' values, rows used × effects.
    public let values: Matrix
    /// The schema of the effects' design (`~ 1 + days`): codes new rows for predictions.
    public let schema: ModelSchema

    /// Effects per level.
    public var effectCount: Int { effectNames.count }
    /// Columns of Z: levels × effects.
    public var columnCount: Int { levels.count * effectCount }
}

/// The design of a linear mixed model: the fixed-effects ``DesignMatrix`` and one
/// ``RandomEffectsBlock`` per random term, over the same rows (a row missing any column of
/// either is left out of all, with the reason).
public struct MixedDesign: Sendable {
    public let formula: MixedFormula
    public let fixed: DesignMatrix
    public let blocks: [RandomEffectsBlock]

    /// Builds the designs and checks what lme4 checks: each grouping factor has more than one
    /// level and fewer levels than rows, and no term has as many random effects as rows.
    public init(formula: MixedFormula, table: Table, options: DesignOptions = DesignOptions()) throws {
        let response = formula.fixed.responseLabelText
        // `--reference` names a level of a categorical variable of the fixed part or of a random
        // term's effects: each part takes the references of its own variables, as R's relevel
        // of the data column applies to every part that uses it.
        let termFormulas = try formula.random.map { try Formula("\(response) ~ \($0.effects)") }
        func references(of f: Formula) -> [String: String] {
            options.references.filter { name, _ in f.variables.contains { $0.label == name || $0.columns.contains(name) } }
        }
        if let unknown = options.references.keys.sorted().first(where: { name in
            ([formula.fixed] + termFormulas).allSatisfy { references(of: $0)[name] == nil }
        }) {
            throw FormulaError.referenceForUnknownVariable(unknown)
        }
        func effectsDesign(_ k: Int, excluded: [Int: String]) throws -> DesignMatrix {
            var o = options
            o.weights = nil
            o.clusters = formula.random[k].grouping
            o.excluded = excluded
            o.references = references(of: termFormulas[k])
            return try DesignMatrix(formula: termFormulas[k], table: table, options: o)
        }
        // Rows any part leaves out are left out of every part.
        var excluded = options.excluded
        let first = try formula.random.indices.map { try effectsDesign($0, excluded: options.excluded) }
        for design in first {
            for d in design.dropped where excluded[d.row] == nil { excluded[d.row] = d.reason }
        }
        var fixedOptions = options
        fixedOptions.excluded = excluded
        fixedOptions.clusters = []
        fixedOptions.references = references(of: formula.fixed)
        let fixed = try DesignMatrix(formula: formula.fixed, table: table, options: fixedOptions)
        let all = Dictionary(uniqueKeysWithValues: fixed.dropped.map { ($0.row, $0.reason) })
        var blocks: [RandomEffectsBlock] = []
        for (k, term) in formula.random.enumerated() {
            // Built again only when another part left out rows this one kept.
            let d = first[k].rows == fixed.rows ? first[k] : try effectsDesign(k, excluded: all)
            precondition(d.rows == fixed.rows, "random-effect rows differ from the fixed-effect rows")
            let labels = (0..<d.rows.count).map { r in d.clusters.map { $0.labels[r] }.joined(separator: ":") }
            var levels = Array(Set(labels))
            let numeric = term.grouping.count == 1 && (try? table.column(term.grouping[0]).kind) == .numeric
            if numeric { levels.sort { (NumberParsing.parse($0) ?? 0) < (NumberParsing.parse($1) ?? 0) } } else { levels.sort() }
            let index = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
            let block = RandomEffectsBlock(term: term, effectNames: d.columnNames, levels: levels,
                                           level: labels.map { index[$0]! }, values: d.x.rounded, schema: d.schema)
            let n = fixed.rows.count
            guard levels.count > 1 else { throw RandomEffectsError.oneLevel(group: term.groupName, level: levels.first ?? "") }
            guard levels.count < n else { throw RandomEffectsError.levelsNotFewerThanRows(group: term.groupName, levels: levels.count, rows: n) }
            guard block.columnCount < n else {
                throw RandomEffectsError.tooManyRandomEffects(term: term.label, effects: block.columnCount, rows: n)
            }
            blocks.append(block)
        }
        self.formula = formula
        self.fixed = fixed
        self.blocks = blocks
    }

    /// The number of random effects, q (columns of Z).
    public var randomEffectCount: Int { blocks.reduce(0) { $0 + $1.columnCount } }
}

extension Formula {
    /// The response as it can be written again in a formula (`y`, `log(spend)`, `` `a b` ``).
    var responseLabelText: String { response.map { variables[$0].label } ?? "" }
}
