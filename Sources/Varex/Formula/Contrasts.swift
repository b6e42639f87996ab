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
            var levels = Array(set)
            if c.kind == .numeric {
                levels.sort { (NumberParsing.parse($0) ?? 0) < (NumberParsing.parse($1) ?? 0) }
            } else {
                levels.sort()
            }
            var reference = 0
            let label = frame.formula.variables[vi].label
            if let ref = remaining[label] ?? remaining[c.name] {
                guard let k = levels.firstIndex(of: ref) else {
                    throw FormulaError.unknownReference(variable: c.name, level: ref, levels: levels)
                }
                reference = k
                remaining[label] = nil
                remaining[c.name] = nil
            }
            codings[vi] = CategoricalCoding(levels: levels, reference: reference)
        }
        if let unknown = remaining.keys.sorted().first { throw FormulaError.referenceForUnknownVariable(unknown) }
        return codings
    }
}
