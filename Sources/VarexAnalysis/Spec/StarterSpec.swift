import Varex
import VarexLinearAlgebra
/// The commented starter spec `varex init` writes for a table.
public enum StarterSpec {
    public static func render(table: Table, dataPath: String) -> String {
        let n = table.rowCount
        let numeric = table.columns.filter { $0.kind == .numeric && isUsableInFormula($0) }
        let idCandidates = table.columns.filter { c in
            c.kind == .text && !c.isMissing.contains(true) && Set(c.cells).count == n
        }.map(\.name)
        let response = numeric.first?.name ?? "y"
        let predictors = numeric.dropFirst().prefix(2).map(\.name)
        var o = "# Varex analysis spec for \(table.source) (\(n) rows, \(table.columns.count) columns), written by `varex init`.\n"
        o += "# Paths are relative to this file; flags on the command line override what is here.\n"
        o += "# Run it with: varex fit --spec THIS.yaml (or explain, rank, report); varex snapshot / verify keep it honest.\n\n"
        o += "data: \(yamlScalar(dataPath))\n"
        if let first = idCandidates.first {
            o += """
                id: \(yamlScalar(first))                # unique in every \
                row\(idCandidates.count > 1 ? "; also unique: " + idCandidates.dropFirst().joined(separator: ", ") : "")\n
                """
        } else {
            o += "# id: COLUMN              # no text column is unique in every row; rows are numbered\n"
        }
        o += "# label: COLUMN           # shown beside the id\n"
        o += "formula: \(yamlScalar("\(response) ~ \(predictors.isEmpty ? "1" : predictors.joined(separator: " + "))"))   # edit: response ~ terms\n"
        o += "# se: HC3                 # classical, HC0, HC1, HC2, HC3, HC4, HC4m, HC5\n"
        o += "# level: 0.95\n# weights: COLUMN\n# reference: {COLUMN: LEVEL}\n# join: [other.csv]        # more columns, matched on id\n"
        o += "# exclude: [ID, ID]\n"
        o += "# justified:              # explain: every term in one group\n#   need: [TERM, TERM]\n# unjustified:\n#   practice: [TERM]\n"
        o += "# scale: COLUMN           # per-head response × this = pounds\n# higher_is: worse        # or better, for outcomes\n# rank_order: worst-first # or best-first: rank 1 is the best\n"
        o += "# rank: {bootstrap: 1000, seed: 1, resample: cases}\n"
        o += "# report: {title: TEXT, funnel: {indicator: COLUMN, moe: COLUMN}}\n\n"
        o += "# Columns (type; missing of \(n) rows):\n"
        let width = table.names.map(\.count).max() ?? 0
        for c in table.columns {
            let missing = c.isMissing.filter { $0 }.count
            let kind = c.kind == .numeric ? "number" : (c.isMostlyNumeric ? "text (mostly numbers: check row \(c.firstNonNumericRow! + 1))" : "text (\(c.levels.count) distinct)")
            o += "#   \(c.name)\(String(repeating: " ", count: width - c.name.count))  \(kind); \(missing) missing\n"
        }
        return o
    }

    /// Whether a numeric column can go in the starter formula: it varies, has values in at least
    /// half the rows, and is not an identifier (whole numbers, all different, and either
    /// consecutive, such as row numbers, or named like an id or a code).
    static func isUsableInFormula(_ c: Column) -> Bool {
        let present = c.values.indices.filter { !c.isMissing[$0] }.map { c.values[$0] }
        guard present.count * 2 >= c.values.count, let first = present.first, present.contains(where: { $0 != first }) else { return false }
        // Whole numbers, all different (sorted, no two neighbours equal): perhaps a row number or code.
        guard present.allSatisfy({ $0 == $0.rounded() }) else { return true }
        let sorted = present.sorted()
        guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0 != $1 }) else { return true }
        let name = c.name.lowercased()
        let consecutive = (present.max()! - present.min()!) == Extended(present.count - 1)
        return !(consecutive || name == "id" || name.hasSuffix("_id") || name.hasSuffix("code"))
    }

    /// A YAML scalar, quoted when it needs to be.
    static func yamlScalar(_ s: String) -> String {
        let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "_-./".contains($0) } && !s.isEmpty
        if plain { return s }
        return "\"" + s.replacingEscapes + "\""
    }

    /// `to` relative to the folder of `from` (with `..` where it lies elsewhere), as the spec's
    /// header promises: the spec and its data can move together.
    public static func relativePath(from spec: String, to data: String, currentDirectory: String) -> String {
        // Absolute, with "." and ".." resolved, as components.
        func components(_ p: String) -> [String] {
            var out: [String] = []
            for c in (p.hasPrefix("/") ? p : currentDirectory + "/" + p).split(separator: "/") {
                if c == "." { continue }
                if c == ".." { if !out.isEmpty { out.removeLast() }; continue }
                out.append(String(c))
            }
            return out
        }
        let from = Array(components(spec).dropLast()), to = components(data)
        var common = 0
        while common < from.count && common < to.count - 1 && from[common] == to[common] { common += 1 }
        // The header says paths are relative to the spec: "../" up to the common folder, then down.
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }
}

extension String {
    var replacingEscapes: String {
        var o = ""
        for ch in self { if ch == "\"" || ch == "\\" { o.append("\\") }; o.append(ch) }
        return o
    }
}
