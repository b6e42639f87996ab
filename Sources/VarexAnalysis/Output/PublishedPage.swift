import Varex

/// The parts every published page shares: the first screen (what was asked and what was found,
/// in sentences, and one chart), the short table of chosen columns sorted by the ranking with the
/// full table behind a fold, the model's output behind a fold, and the notes (sources and licence
/// lines, every input's checksum, excluded units and why, definitions, seeds, the Varex version,
/// the labels against the names in the model).
enum PublishedPage {
    static let esc = SVGCharts.escape

    /// The first screen: the question, the findings as a list of sentences, and one chart.
    static func firstScreen(asked: String, found: [String], chart: String) -> String {
        """
        <section id=\"findings\"><h2>What was asked</h2><p>\(esc(asked))</p>
        <h2>What was found</h2><ul class=\"findings\">\(found.map { "<li>\(esc($0))</li>" }.joined())</ul>
        \(chart)</section>\n
        """
    }

    /// The model's output (R's layout, with the model's own names) behind a fold, with the
    /// glossary of labels against those names.
    static func modelFold(_ text: String, glossary: [(label: String, name: String)], note: String = "") -> String {
        var h = """
            <section id=\"summary\"><h2>The model</h2><details><summary>The model's output, as R prints it \
            (the model's own names; the labels used on this page are listed below it)</summary><pre>\(esc(text))</pre>\n
            """
        if !note.isEmpty { h += "<p>\(esc(note))</p>" }
        if !glossary.isEmpty {
            h += "<table class=\"glossary\"><thead><tr><th scope=\"col\">Label on this page</th><th scope=\"col\">In the model</th></tr></thead><tbody>"
            h += glossary.map { "<tr><td>\(esc($0.label))</td><td><code>\(esc($0.name))</code></td></tr>" }.joined()
            h += "</tbody></table>"
        }
        return h + "</details></section>\n"
    }

    /// A column of the short table: a table column by name, its heading, and how its cells read.
    struct Column {
        var name: String
        var title: String
        /// "£" for amounts per head in pounds, "£total" for totals, "%" for percent, "" plain.
        var unit: String
    }

    /// The short table: the chosen columns, rows in the table's order (already sorted by the
    /// ranking), and the rank interval as one "low–high" cell when the table has one.
    static func shortTable(_ table: OutputTable, columns: [Column], interval: (low: String, high: String, title: String)?) -> String {
        let chosen = columns.compactMap { c in table.index(of: c.name).map { (c, $0) } }
        let lowJ = interval.flatMap { table.index(of: $0.low) }, highJ = interval.flatMap { table.index(of: $0.high) }
        var h = "<div class=\"scroll short\"><table id=\"short-table\"><thead><tr>"
        h += chosen.map { "<th scope=\"col\" title=\"\(esc($0.0.name))\">\(esc($0.0.title))</th>" }.joined()
        if let interval, lowJ != nil, highJ != nil { h += "<th scope=\"col\" title=\"\(esc(interval.low))–\(esc(interval.high))\">\(esc(interval.title))</th>" }
        h += "</tr></thead><tbody>\n"
        // One precision per column: whole pounds when any amount reaches £10, pence otherwise.
        let decimals = chosen.map { _, j in
            table.rows.contains { if case let .number(x) = $0[j], abs(x) >= 10, x.isFinite { return true } else { return false } } ? 0 : 2
        }
        for row in table.rows {
            h += "<tr>" + chosen.enumerated().map { k, c in cell(row[c.1], unit: c.0.unit, decimals: decimals[k]) }.joined()
            if let lowJ, let highJ {
                if case let .integer(a) = row[lowJ], case let .integer(b) = row[highJ] { h += "<td class=\"num\" data-v=\"\(a)\">\(a)–\(b)</td>" }
                else { h += "<td></td>" }
            }
            h += "</tr>\n"
        }
        return h + "</tbody></table></div>\n"
    }

    /// A cell of the short table, read in its unit: "£412" per head, "£29.3m" totals, "12.3%".
    static func cell(_ c: Cell, unit: String, decimals: Int = 0) -> String {
        switch c {
        case let .number(x) where x.isFinite:
            let shown: String
            switch unit {
            case "£total": shown = ExplainSummary.money(x)
            case "£": shown = pounds(x, decimals: decimals)
            case "%": shown = NumberFormat.fixed(x, decimals: 1) + "%"
            default: shown = abs(x) >= 1e5 ? NumberFormat.fixed(x, decimals: 0) : NumberFormat.significant(x, 4)
            }
            return "<td class=\"num\" data-v=\"\(NumberFormat.roundTrip(x))\">\(esc(shown))</td>"
        default: return HTMLReport.cell(c, column: "")
        }
    }

    /// An amount in pounds for reading, with thousands separators: "£1,234", "-£12", "£0.45".
    static func pounds(_ x: Double, decimals: Int = 0) -> String {
        let sign = x < 0 ? "-" : ""
        let text = NumberFormat.fixed(abs(x), decimals: decimals)
        let whole = text.prefix { $0 != "." }, rest = text.dropFirst(whole.count)
        return sign + "£" + grouped(String(whole)) + rest
    }

    /// "1234567" → "1,234,567".
    static func grouped(_ digits: String) -> String {
        var out = "", k = 0
        for ch in digits.reversed() {
            if k > 0 && k % 3 == 0 { out.append(",") }
            out.append(ch)
            k += 1
        }
        return String(out.reversed())
    }

    /// The full table behind a fold, sortable by any column, closing its section.
    static func fullTableFold(_ table: OutputTable) -> String {
        """
        <details id=\"all-columns\"><summary>All \(table.header.count) columns (the CSV's; click a heading to sort; \
        rows left out of the fit give the reason in the note)</summary>\n
        """ + HTMLReport.fullTable(table).replacingOccurrences(of: "</div></section>\n", with: "</div></details></section>\n")
    }

    /// The notes: sources and licence lines, inputs and their checksums, exclusions, definitions,
    /// the run's settings (seeds, replicates), the version and the spec.
    static func notes(_ p: Publication, exclusions: [Exclusion], settings: [String], unit: String) -> String {
        var h = "<section id=\"notes\"><h2>Notes</h2>\n<h3>Data sources</h3>"
        if p.sources.isEmpty {
            h += "<p>No source or licence line was given for the data (the spec's <code>sources:</code> or <code>--source</code>).</p>"
        } else {
            h += "<ul class=\"sources\">" + p.sources.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
        }
        h += "<h3>Input files</h3><table class=\"inputs\"><thead><tr><th scope=\"col\">File</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>"
        h += p.inputs.map { "<tr><td>\(esc($0.path))</td><td><code>\(esc($0.sha256))</code></td></tr>" }.joined() + "</tbody></table>"
        h += "<h3>Left out</h3>"
        if exclusions.isEmpty {
            h += "<p>No \(esc(unit)) were left out.</p>"
        } else {
            h += "<p>\(exclusions.count) left out of the analysis:</p><ul class=\"excluded\">"
            h += exclusions.map { e in "<li>\(esc(e.label.isEmpty ? e.id : "\(e.label) (\(e.id))")): \(esc(e.reason))</li>" }.joined() + "</ul>"
        }
        if !p.definitions.isEmpty {
            h += "<h3>Definitions</h3><ul class=\"definitions\">" + p.definitions.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
        }
        h += "<h3>How it was run</h3><ul class=\"settings\">" + (settings + ["Made by \(Publication.madeBy)."]).map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
        if let spec = p.spec {
            h += "<details><summary>The saved analysis (spec) this page was made from</summary><pre>\(esc(spec))</pre></details>"
        }
        return h + "</section>\n"
    }

    /// Whether a response label is in pounds.
    static func responseUnit(_ label: String) -> Bool { label.contains("£") }

    /// A label inside a sentence: its first letter lower-cased unless it starts an acronym, and
    /// a closing unit of pounds or percent left to the tables and axes ("Spend per adult (£)" →
    /// "spend per adult").
    static func lowered(_ label: String) -> String {
        var label = label
        for unit in [" (£)", " (%)"] where label.hasSuffix(unit) { label = String(label.dropLast(unit.count)) }
        guard let first = label.split(separator: " ").first, first.count > 1,
              first.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "+" }) else {
            return label.prefix(1).lowercased() + label.dropFirst()
        }
        return label
    }

    /// A group's name for readers: "need" → "Need".
    static func groupName(_ g: TermGroup) -> String { HTMLReport.capitalised(g.name.replacingOccurrences(of: "_", with: " ")) }

    /// "Why does X differ between councils? …": the question, with each group's terms by label.
    static func askedSentence(response: String, groups: [TermGroup], labels: Labels, unit: String) -> String {
        func describe(_ gs: [TermGroup]) -> String {
            list(gs.map { "\(groupName($0).lowercased()) (\(list($0.terms.map { lowered(labels.term($0)) })))" })
        }
        let justified = groups.filter(\.justified), unjustified = groups.filter { !$0.justified }
        var s = "Why does \(lowered(response)) differ between \(unit), and how much of the difference is justified? "
        s += justified.isEmpty ? "No group of factors is counted as justified. "
            : "Differences that \(describe(justified)) explain are counted as justified. "
        s += unjustified.isEmpty ? "What the model does not explain is counted as unjustified."
            : "Differences that \(describe(unjustified)) explain, and what the model does not explain, are counted as unjustified."
        return s
    }

    /// "Of that, need accounts for …": each group's share and the unexplained part.
    static func sharesSentence(groups: [TermGroup], shares: [Double], unexplained: Double, of what: String) -> String {
        func pct(_ x: Double) -> String { NumberFormat.fixed(100 * x, decimals: 1) + "%" }
        let parts = zip(groups, shares).map { g, x in "\(groupName(g).lowercased()) \(pct(x)) (\(g.justified ? "justified" : "unjustified"))" }
        return "Shares of \(what): " + list(parts) + "; \(pct(unexplained)) is not explained by the model and is counted as unjustified."
    }

    /// The first three by rank, each with its amount and rank interval.
    static func leadersSentence(labels: [String], ranks: [Int], amounts: [Double], totals: [Double]?, low: [Int], high: [Int],
                                money: Bool, level: String, higherIsBetter: Bool) -> String {
        let order = ranks.indices.filter { amounts[$0].isFinite }.sorted { (ranks[$0], $0) < (ranks[$1], $1) }.prefix(3)
        let named = order.map { i -> String in
            var amount = money ? pounds(amounts[i]) + " per head" : NumberFormat.significant(amounts[i], 4)
            if let totals { amount += ", " + ExplainSummary.money(totals[i]) + " in all" }
            return "\(labels[i]) (\(amount); rank \(ranks[i]), \(level) rank interval \(low[i])–\(high[i]))"
        }
        return "Ranked first, second and third (rank 1 = the \(higherIsBetter ? "lowest" : "highest") unjustified amount): " + list(named) + "."
    }

    /// The ranking: the short table of chosen columns sorted by rank, then the full table behind a fold.
    static func rankingSection(_ table: OutputTable, response: String, money: Bool, unit: String, level: String, rankMeaning: String,
                               columns chosen: [String]?) -> String {
        let perHead = money ? "£" : ""
        var columns = [Column(name: "rank", title: "Rank", unit: "")]
        if table.header.count > 1, table.header[1] != "observed" { columns.append(Column(name: table.header[1], title: HTMLReport.capitalised(unitSingular(unit)), unit: "")) }
        columns += [Column(name: "observed", title: response, unit: perHead), Column(name: "justified", title: "Justified level", unit: perHead),
                    Column(name: "unjustified", title: "Unjustified" + (money ? " (£ per head)" : ""), unit: perHead),
                    Column(name: "unjustified_gbp", title: "Unjustified, total (£)", unit: "£total")]
        if let chosen {
            columns = chosen.map { name in columns.first { $0.name == name } ?? Column(name: name, title: HTMLReport.title(name), unit: unitOf(column: name)) }
        }
        var h = """
            <section id=\"ranking\"><h2>\(esc(HTMLReport.capitalised(unit))) by unjustified amount</h2><p>\(esc(rankMeaning)); the \
            rank interval is the \(esc(level)) interval of the bootstrap's ranks. Every \(esc(unitSingular(unit))) is listed; the full \
            table of every column follows below it.</p>\n
            """
        h += shortTable(table, columns: columns, interval: (low: "rank_low", high: "rank_high", title: "Rank interval (\(level))"))
        return h + fullTableFold(table)
    }

    static func unitSingular(_ unit: String) -> String { HTMLReport.unitSingular(unit) }

    /// How a chosen column's cells read, by its name.
    static func unitOf(column name: String) -> String {
        if name.hasSuffix("_gbp") { return "£total" }
        if name.hasSuffix("_pct") { return "%" }
        return ""
    }

    /// The waterfall's axis fields (JSON members, each followed by a comma): the axis title and
    /// whether its values are pounds.
    static func waterfallAxis(response: String, money: Bool) -> String {
        "\"axis\":\(JSONSummary.string(response)),\"unit\":\(JSONSummary.string(money ? "£" : "")),"
    }

    /// The labels a page uses against the names in the model: the response and every grouped term.
    static func glossary(response: String, groups: [TermGroup], labels: Labels) -> [(label: String, name: String)] {
        var seen = Set<String>()
        return ([response] + groups.flatMap(\.terms)).compactMap { name in
            guard seen.insert(name).inserted else { return nil }
            return (labels.term(name), name)
        }
    }

    /// A list in words: "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }
}
