import VarexLinearAlgebra

extension Column {
    /// The level of each of `rows` and each level's text, levels numbered in order of first
    /// appearance, found on the column as stored: a kept text by its dictionary code, a number
    /// by its value (so `1` and `1.0` are one level, as ``byValue`` spells them), and a cell's
    /// text made only once per level. Missing cells are a level of their own text. Whole
    /// numbers in a range not much wider than the rows (codes 1…G, the usual factor column) are
    /// looked up in a table rather than hashed.
    public func levels(rows: [Int]) -> (groups: [Int], names: [String]) {
        var names: [String] = []
        let cells = self.cells
        var byCode = [Int](repeating: -1, count: texts.dictionary.count)
        var (low, high) = (Int64.max, Int64.min)
        var whole = true
        for r in rows where texts.code(r) == nil {
            let v = values[r]
            guard v == v.rounded(), abs(v) < 1e15 else { whole = false; break }
            low = min(low, Int64(v))
            high = max(high, Int64(v))
        }
        let span = high >= low ? Int(high - low) + 1 : 0
        var table = [Int](repeating: -1, count: whole && span <= 4 * rows.count + 1024 ? span : 0)
        var byNumber: [Extended: Int] = [:]
        let groups = rows.map { r -> Int in
            if let code = texts.code(r) {
                if byCode[Int(code)] >= 0 { return byCode[Int(code)] }
                byCode[Int(code)] = names.count
            } else if !table.isEmpty {
                let k = Int(Int64(values[r]) - low)
                if table[k] >= 0 { return table[k] }
                table[k] = names.count
            } else {
                if let g = byNumber[values[r]] { return g }
                byNumber[values[r]] = names.count
            }
            names.append(cells[r])
            return names.count - 1
        }
        return (groups, names)
    }
}
