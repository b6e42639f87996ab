import VarexLinearAlgebra

extension Column {
    /// The level of each of `rows` and each level's text, levels numbered in order of first
    /// appearance, found on the column as stored: a kept text by its dictionary code, a number
    /// by its value (so `1` and `1.0` are one level, as ``byValue`` spells them), and a cell's
    /// text made only once per level. Missing cells are a level of their own text.
    public func levels(rows: [Int]) -> (groups: [Int], names: [String]) {
        var byCode: [Int32: Int] = [:], byNumber: [Extended: Int] = [:]
        var names: [String] = []
        let cells = self.cells
        let groups = rows.map { r -> Int in
            if let code = texts.code(r) {
                if let g = byCode[code] { return g }
                byCode[code] = names.count
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
