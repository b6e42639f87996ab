import Varex

extension Peers {
    /// Each unit's value against its peers': peer mean, difference, and the unit's rank among
    /// itself and its peers (1 = highest value). Peers with a missing value are skipped.
    public func compare(values: [Double], ids: RowIDs, idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        var header = [idName] + (labelName.map { [$0] } ?? [])
        header += ["value", "peer_mean", "difference", "rank_among_peers", "peers_used", "peers", "note"]
        let rows: [[Cell]] = ids.indices.map { i in
            var row: [Cell] = [.text(ids[i])] + (labels.map { [.text($0[i])] } ?? [])
            let usable = peers[i].filter { !values[$0].isNaN }
            let v = values[i]
            if usable.isEmpty || v.isNaN {
                row += [.finite(v), .empty, .empty, .empty, .integer(usable.count), .text(peers[i].map { ids[$0] }.joined(separator: ";")),
                        .text(notes[i].isEmpty ? (v.isNaN ? "value missing" : "no peer has a value") : notes[i])]
                return row
            }
            let mean = usable.reduce(0.0) { $0 + values[$1] } / Double(usable.count)
            let rank = 1 + usable.filter { values[$0] > v }.count
            row += [.finite(v), .finite(mean), .finite(v - mean), .integer(rank), .integer(usable.count),
                    .text(peers[i].map { ids[$0] }.joined(separator: ";")), .text(notes[i])]
            return row
        }
        return OutputTable(header: header, rows: rows)
    }
}
