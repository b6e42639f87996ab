/// Statistical nearest neighbours and each unit's value compared with its peers'.
public struct Peers: Sendable {
    /// peers[i]: indices of unit i's peers, nearest first (empty when i cannot be placed).
    public let peers: [[Int]]
    /// Why a unit has no peers, or "".
    public let notes: [String]

    /// The `count` nearest units by weighted Euclidean distance on the variables standardised to
    /// z-scores (mean 0, SD 1 over the units with every variable present), as comparator groups
    /// in local government are usually built. Ties go to the earlier unit.
    public init(table: Table, variables: [String], weights: [String: Double] = [:], count: Int) throws {
        let n = table.rowCount
        var z: [[Double]] = []
        for v in variables {
            let c = try table.column(v)
            if c.kind == .text, let bad = c.firstNonNumericRow {
                throw DataError.notANumber(table.location(row: bad, column: v), text: c.cells[bad])
            }
            let x = (0..<n).map { c.isMissing[$0] || !c.values[$0].isFinite ? Double.nan : Double(c.values[$0]) }
            let present = x.filter { !$0.isNaN }
            let mean = present.reduce(0, +) / Double(present.count)
            let sd = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)).squareRoot()
            z.append(x.map { sd > 0 ? ($0 - mean) / sd : 0 })
        }
        let w = variables.map { weights[$0] ?? 1 }
        let complete = (0..<n).map { i in z.allSatisfy { !$0[i].isNaN } }
        var peers = [[Int]](repeating: [], count: n)
        var notes = [String](repeating: "", count: n)
        for i in 0..<n {
            guard complete[i] else {
                let missing = variables.indices.filter { z[$0][i].isNaN }.map { variables[$0] }
                notes[i] = "no peers: missing \(missing.joined(separator: ", "))"
                continue
            }
            var d: [(Int, Double)] = []
            for j in 0..<n where j != i && complete[j] {
                var s = 0.0
                for k in variables.indices { let diff = z[k][i] - z[k][j]; s += w[k] * diff * diff }
                d.append((j, s))
            }
            d.sort { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            peers[i] = d.prefix(count).map(\.0)
        }
        self.peers = peers
        self.notes = notes
    }

    /// Peers read from a `code,neighbour_code` CSV (any two columns: the unit's id, a peer's id).
    public init(ids: [String], pairs: Table) throws {
        guard pairs.columns.count >= 2 else { throw DataError.raggedRow(CellLocation(file: pairs.source), expected: 2, found: pairs.columns.count) }
        let unit = pairs.columns[0], peer = pairs.columns[1]
        var index: [String: Int] = [:]
        for (i, id) in ids.enumerated() { index[id] = i }
        var peers = [[Int]](repeating: [], count: ids.count)
        for r in 0..<pairs.rowCount {
            guard let i = index[unit.cells[r]] else {
                throw DataError.unknownID(pairs.location(row: r, column: unit.name), id: unit.cells[r])
            }
            guard let j = index[peer.cells[r]] else {
                throw DataError.unknownID(pairs.location(row: r, column: peer.name), id: peer.cells[r])
            }
            if !peers[i].contains(j) && i != j { peers[i].append(j) }
        }
        self.peers = peers
        self.notes = peers.map { $0.isEmpty ? "no peers listed" : "" }
    }
}
