import VarexLinearAlgebra

/// lmerTest's Type III contrasts (its `anova(fit, type = 3)` with treatment coding): the fit's
/// design X and the "full" design of every term coded by indicators of all its levels (R's
/// `~ 0 + term`, after the intercept), L = (XᵀX)⁻¹Xᵀ·full taken as full-columns × X-columns;
/// each term that other terms contain (all its variables in theirs, with the same numeric
/// ones) has its columns replaced by their residuals on the containing terms' columns, higher
/// orders first; the rows are then those of the full columns named as X's, and a term's
/// contrast is its columns of L, transposed, with its all-zero rows dropped.
enum TypeIIIContrasts {
    /// Each term's contrast (rows × X's columns), by term index; `table` is the fit's data.
    static func make(fit: LinearMixedFit, table: Table) throws -> [Int: Matrix] {
        let design = fit.design.fixed
        let formula = design.formula
        let terms = formula.terms
        let x = fit.x, n = fit.n, p = fit.p
        // The full design: the intercept, then each term's indicator coding, on the fit's rows.
        var full: [[Double]] = [], names: [String] = []
        if formula.hasIntercept {
            full.append([Double](repeating: 1, count: n))
            names.append("(Intercept)")
        }
        let used = Set(design.rows)
        var options = DesignOptions()
        options.excluded = Dictionary(uniqueKeysWithValues: (0..<table.rowCount).filter { !used.contains($0) }.map { ($0, "not in the fit") })
        let lhs = formula.text.components(separatedBy: "~").first ?? ""
        for term in terms {
            let d = try DesignMatrix(formula: try Formula(lhs + "~ 0 + " + term.label, dot: formula.dot), table: table, options: options)
            guard d.rows == design.rows else { throw MixedModelError.notSupported("Type III contrasts of '\(term.label)'") }
            for j in 0..<d.columnNames.count {
                full.append((0..<n).map { Double(d.x[$0, j]) })
                names.append(d.columnNames[j])
            }
        }
        let big = full.count
        // L (big × p): row k the coefficients of full column k on X, (XᵀX)⁻¹Xᵀ·full_k.
        let xtx = try x.multiplied(by: x, transposeSelf: true)
        var l = Matrix(rows: big, columns: p)
        for k in 0..<big {
            var xty = [Double](repeating: 0, count: p)
            for j in 0..<p { for i in 0..<n { xty[j] += x[i, j] * full[k][i] } }
            let b = try xtx.solvingSymmetricPositiveDefinite(xty)
            for j in 0..<p { l[k, j] = b[j] }
        }
        let columnsOf: [[Int]] = terms.indices.map { t in design.assign.indices.filter { design.assign[$0] == t } }
        let categorical = Set(design.codings.keys)
        func numerics(_ t: Int) -> Set<Int> { Set(terms[t].variables.filter { !categorical.contains($0) }) }
        func contains(_ outer: Int, _ inner: Int) -> Bool {
            let a = Set(terms[inner].variables), b = Set(terms[outer].variables)
            return a.isSubset(of: b) && a != b && numerics(inner) == numerics(outer)
        }
        for t in terms.indices.sorted(by: { (terms[$0].variables.count, $1) > (terms[$1].variables.count, $0) }) {
            let containing = terms.indices.filter { $0 != t && contains($0, t) }.flatMap { columnsOf[$0] }
            guard !containing.isEmpty, !columnsOf[t].isEmpty else { continue }
            var a = Matrix(rows: big, columns: containing.count)
            for (c, j) in containing.enumerated() { for k in 0..<big { a[k, c] = l[k, j] } }
            let complement = try QRFactorization(a).complementQ()
            for j in columnsOf[t] {
                let y = (0..<big).map { l[$0, j] }
                var coordinates = [Double](repeating: 0, count: complement.columns)
                for c in 0..<complement.columns { for k in 0..<big { coordinates[c] += complement[k, c] * y[k] } }
                for k in 0..<big {
                    var r = 0.0
                    for c in 0..<complement.columns { r += complement[k, c] * coordinates[c] }
                    l[k, j] = r
                }
            }
        }
        // The rows of the full columns named as X's, in X's order.
        let rowOf = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var out: [Int: Matrix] = [:]
        for (t, columns) in columnsOf.enumerated() where !columns.isEmpty {
            var rows: [[Double]] = []
            for j in columns {
                let row = design.columnNames.map { name in rowOf[name].map { l[$0, j] } ?? 0 }
                if row.reduce(0, { $0 + abs($1) }) > 1e-8 { rows.append(row) }
            }
            var m = Matrix(rows: rows.count, columns: p)
            for (r, row) in rows.enumerated() { for j in 0..<p { m[r, j] = row[j] } }
            out[t] = m
        }
        return out
    }
}
