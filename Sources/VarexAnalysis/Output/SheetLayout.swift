import Varex

/// How a table reads as a worksheet an editor can use: a row of readable headings ("Unjustified,
/// total (£)") over a row of the CSV's column names (so a formula or a script can still find
/// `unjustified_gbp`), columns as wide as their content, number formats by column (pounds,
/// pounds and pence per head, percentages, probabilities, small numbers), rows in the ranking's
/// order where the table has a rank, and the two heading rows and the id (and label) columns
/// frozen. Cells keep their full value: a format changes how a number reads, never the number.
public struct SheetLayout: Sendable {
    public var labels: Labels
    /// Columns whose values are amounts per head in pounds (the response and its parts, when the
    /// response is in pounds).
    public var perHeadPounds: Set<String>
    /// The column whose order the rows take (ascending, empty cells last), when the table has it.
    public var sortBy: String?

    public init(labels: Labels = Labels(), perHeadPounds: Set<String> = [], sortBy: String? = "rank") {
        self.labels = labels
        self.perHeadPounds = perHeadPounds
        self.sortBy = sortBy
    }

    /// The layout of an explanation's table: with a response in pounds (its label says £), its
    /// observed, fitted, justified and unjustified values, baseline, effects and intervals per head.
    public static func explanation(response: String, labels: Labels) -> SheetLayout {
        let money = labels.term(response).contains("£")
        let perHead: Set<String> = ["observed", "fitted", "baseline", "justified", "unjustified", "residual", "pi_low", "pi_high",
                                    "mean_observed", "mean_justified", "persistent", "transient", "persistent_low", "persistent_high",
                                    "persistent_boot_low", "persistent_boot_high"]
        return SheetLayout(labels: labels, perHeadPounds: money ? perHead : [])
    }

    /// A column's heading for readers.
    public func title(_ name: String) -> String {
        if perHeadPounds.contains(name) || (name.hasPrefix("effect_") && !name.hasSuffix("_gbp") && !name.hasSuffix("_pct") && !perHeadPounds.isEmpty) {
            return HTMLReport.title(name) + " (£ per head)"
        }
        if name.hasSuffix("_gbp") {
            let base = String(name.dropLast(4))
            let t = HTMLReport.title(base)
            return (t == base ? labels.variable(base) : t) + ", total (£)"
        }
        let t = HTMLReport.title(name)
        return t == name ? labels.variable(name) : t
    }

    /// The style of each column's cells (see ``XLSXWriter/stylesXML``).
    func styles(_ table: OutputTable) -> [Int] {
        table.header.enumerated().map { j, name in
            if let s = XLSXWriter.style(forColumn: name) { return s }
            if perHeadPounds.contains(name) || (name.hasPrefix("effect_") && !perHeadPounds.isEmpty) { return 4 }
            // Other numbers by their size: two decimals, or four for small ones (below 1 in the median).
            var sizes: [Double] = []
            for row in table.rows.prefix(2000) { if case let .number(x) = row[j], x.isFinite { sizes.append(abs(x)) } }
            guard !sizes.isEmpty else { return 0 }
            sizes.sort()
            return sizes[sizes.count / 2] >= 1 ? 5 : 6
        }
    }

    /// How many leading columns hold text in every row (the id, the label, a period): frozen with the headings.
    func frozenColumns(_ table: OutputTable) -> Int {
        var k = 0
        while k < min(3, table.header.count), table.header[k] != "note",
              table.rows.prefix(2000).allSatisfy({ if case .text = $0[k] { return true } else if case .empty = $0[k] { return true } else { return false } }) {
            k += 1
        }
        return k
    }

    /// Each column's width in characters: its widest value as formatted (of the first 2,000
    /// rows), its heading wrapped at about 24 characters, its CSV name; between 8 and 50.
    func widths(_ table: OutputTable, styles: [Int]) -> [Double] {
        table.header.enumerated().map { j, name in
            var w = Double(min(title(name).count, 24))
            w = max(w, Double(name.count) * 0.85)
            for row in table.rows.prefix(2000) {
                let n: Int
                switch row[j] {
                case let .number(x) where x.isFinite:
                    let digits = NumberFormat.fixed(abs(x).rounded(), decimals: 0).count
                    let decimals = [4: 3, 5: 3, 6: 5, 2: 3, 3: 3][styles[j]] ?? (styles[j] == 0 ? 14 : 0)
                    n = digits + digits / 3 + decimals + (x < 0 ? 1 : 0) + ([1, 4].contains(styles[j]) ? 1 : 0)
                case let .integer(i): n = String(i).count
                case let .text(s): n = s.count
                default: n = 0
                }
                w = max(w, Double(n))
            }
            return min(max(w + 2, 8), 50)
        }
    }

    /// The worksheet: headings, names, the rows (sorted), styles, widths and frozen panes.
    func worksheet(_ table: OutputTable) -> XLSXWriter.Worksheet {
        let sorted = sortBy.map { table.sorted(by: $0) } ?? table
        let styles = styles(sorted)
        return XLSXWriter.worksheet(rows: [sorted.header.map { .text(title($0)) }, sorted.header.map(Cell.text)] + sorted.rows,
                                    frozen: (row: 2, column: frozenColumns(sorted)), styles: styles, rowStyles: [0: 7, 1: 8],
                                    widths: widths(sorted, styles: styles))
    }
}
