/// Treatment contrasts: the levels of each categorical variable, from the rows used (unused
/// levels dropped, as `lm` does), sorted (numbers by value), and its reference level (the first,
/// or the one `--reference` names).
enum Contrasts {
    static func codings(frame: ModelFrame, references: [String: String]) throws -> [Int: CategoricalCoding] {
        var codings: [Int: CategoricalCoding] = [:]
        var remaining = references
        for (vi, c) in frame.categoricalColumns.sorted(by: { $0.key < $1.key }) {
            var set = Set<String>()
            for r in frame.rows { set.insert(c.cells[r]) }
            codings[vi] = try coding(levels: set, numericKind: c.kind == .numeric, label: frame.formula.variables[vi].label,
                                     column: c.name, references: &remaining)
        }
        if let unknown = remaining.keys.sorted().first { throw FormulaError.referenceForUnknownVariable(unknown) }
        return codings
    }

    /// The coding of one categorical variable from the texts of its rows used: levels sorted as
    /// numbers for a numeric column (`factor(x)`), as texts otherwise; the reference level the
    /// user named (by the variable's label or its column's name, taken out of `references`), or
    /// the first.
    static func coding(levels set: Set<String>, numericKind: Bool, label: String, column: String,
                       references remaining: inout [String: String]) throws -> CategoricalCoding {
        var levels = Array(set)
        if numericKind {
            levels.sort { (NumberParsing.parse($0) ?? 0) < (NumberParsing.parse($1) ?? 0) }
        } else {
            levels.sort()
        }
        var reference = 0
        if let ref = remaining[label] ?? remaining[column] {
            guard let k = levels.firstIndex(of: ref) else {
                throw FormulaError.unknownReference(variable: column, level: ref, levels: levels)
            }
            reference = k
            remaining[label] = nil
            remaining[column] = nil
        }
        return CategoricalCoding(levels: levels, reference: reference)
    }
}
