import ArgumentParser
import Varex

/// `varex demo`: the main job on the bundled 2018-19 council data.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the bundled example: adult social care spend per adult in all 152 councils, 2018-19.",
        discussion: """
        Model: net adult social care spend per resident aged 18+ explained by the share of adults
        aged 65+ and 85+, the Index of Multiple Deprivation score and the council type. Prints
        the summary and the councils whose spend is furthest from the model (largest
        studentized residuals). The data and their sources: fixtures/councils/README.md.

        Examples:
          varex demo
          varex demo --se HC3 --residuals demo-residuals.csv
        """
    )

    static let formula = "asc_net_spend_per_adult_gbp ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + council_type"

    @Option(help: "Standard errors: classical, HC0, HC1, HC2 or HC3.")
    var se: String = "HC3"

    @Option(help: "Also write the full per-council residual table as CSV to this file.")
    var residuals: String?

    @Option(help: "The council data file (default: fixtures/councils/asc_2018_19.csv, found from the working directory or the executable).")
    var data: String?

    func run() throws {
        guard let covariance = CovarianceType(name: se) else {
            throw ValidationError("--se \(se): expected classical, HC0, HC1, HC2 or HC3")
        }
        let path = try data ?? BundledData.path("councils/asc_2018_19.csv")
        let analysis = try FitAnalysis(FitRequest(dataPath: path, formula: Self.formula, id: "code", covariance: covariance))
        var text = "Varex demo: adult social care net spend per adult, 152 English councils, 2018-19\n"
        text += "Data: \(path) (Contains public sector information licensed under the Open Government Licence v3.0.)\n\n"
        text += TextSummary.render(analysis.summary, source: "asc_2018_19.csv")
        text += "\n" + DemoTables.outliers(analysis, label: "name", count: 5)
        var outputs: [(path: String, contents: String)] = [("-", text)]
        if let residuals { outputs.insert((residuals, CSVWriter.render(analysis.residuals)), at: 0) }
        try OutputFiles.write(outputs)
    }
}

/// The demo's short table of councils furthest from the model.
enum DemoTables {
    static func outliers(_ a: FitAnalysis, label: String, count: Int) -> String {
        guard let names = try? a.table.column(label),
              let col = a.residuals.header.firstIndex(of: "studentized_residual"),
              let obs = a.residuals.header.firstIndex(of: "observed"),
              let fit = a.residuals.header.firstIndex(of: "fitted") else { return "" }
        var scored: [(row: Int, t: Double)] = []
        for (r, row) in a.residuals.rows.enumerated() { if case let .number(t) = row[col] { scored.append((r, t)) } }
        scored.sort { $0.t > $1.t }
        func line(_ e: (row: Int, t: Double)) -> [String] {
            guard case let .number(o) = a.residuals.rows[e.row][obs], case let .number(f) = a.residuals.rows[e.row][fit] else { return [] }
            return [names.cells[e.row], NumberFormat.fixed(o, decimals: 0), NumberFormat.fixed(f, decimals: 0),
                    NumberFormat.fixed(o - f, decimals: 0), NumberFormat.fixed(e.t, decimals: 2)]
        }
        var rows = [["Council", "Spend/adult £", "Model £", "Difference £", "Studentized"]]
        rows += scored.prefix(count).map(line)
        var out = "Spending most above the model:\n" + TextTable.render(rows)
        rows = [rows[0]] + scored.suffix(count).reversed().map(line)
        out += "\nSpending most below the model:\n" + TextTable.render(rows)
        return out
    }
}

/// Plain text columns: first column left-aligned, the rest right-aligned.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        guard let cols = rows.first?.count else { return "" }
        var w = [Int](repeating: 0, count: cols)
        for r in rows { for (j, c) in r.enumerated() { w[j] = max(w[j], c.count) } }
        return rows.map { r in
            r.enumerated().map { j, c in
                let pad = String(repeating: " ", count: w[j] - c.count)
                return j == 0 ? "  " + c + pad : pad + c
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
