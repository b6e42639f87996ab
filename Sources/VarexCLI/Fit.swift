import ArgumentParser
import Varex
import VarexAnalysis

/// `varex fit`: a CSV in, a coefficient table and a per-unit residual table out.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a linear model (OLS or WLS) and write its summary and per-row residual table.",
        discussion: """
        Formulas follow R: `y ~ a + b`, `- 1` or `+ 0` for no intercept, `a:b` and `a*b` for \
        interactions, `log()`, `log10()`, `log2()`, `log1p()`, `sqrt()`, `exp()`, `abs()`, `I(expr)` for \
        arithmetic (+ - * / ^), `C(x)` or a text column for categories (treatment coding, first level in \
        sorted order as reference unless --reference says otherwise).

        Rows with a missing value (empty, NA, NaN, N/A, .., :, [x], [c], [z], [low]) in any model column \
        are left out, counted on stderr, and listed with the reason in the residual table's `note` column.

        Examples:
          varex fit fixtures/councils/asc_2018_19.csv --id code \\
            --formula "asc_net_spend_per_adult_gbp ~ imd_score + log(pop_85p/pop_18p) + council_type"
          varex fit data.csv --formula "y ~ x1 * x2" --se HC3 --residuals residuals.csv --json fit.json
          varex fit data.csv --formula "y ~ region + x" --reference region=London --format markdown
          varex fit data.csv --formula "y ~ x" --weights n --residuals - --format json
        """
    )

    @Argument(help: "The data: a CSV file with a header row (`-` reads standard input); optional with --spec.")
    var data: String?

    @OptionGroup var csv: CSVOptions

    @OptionGroup var model: ModelOptions

    @Option(help: "Write the per-row residual table as CSV to this file (`-` for stdout).")
    var residuals: String?

    @Option(help: "Write the JSON summary to this file (`-` for stdout).")
    var json: String?

    @Option(help: "Write the residual table as an Excel workbook (.xlsx), with the summary and provenance on a second sheet.")
    var xlsx: String?

    @Option(help: "Summary format on stdout: text, markdown, csv or json.")
    var format: SummaryFormat = .text

    @Option(name: .customLong("save-model"), help: "Save the fitted model as JSON for `varex predict` and `varex anova` (formula, levels, coefficients, covariance, σ, df, the data's SHA-256).")
    var saveModel: String?

    @Flag(help: "Add R's sequential analysis-of-variance table (anova) and the Type II table (car::Anova, with the --se covariance) to the summary and the JSON.")
    var anova = false

    func run() throws {
        let spec = try model.loadSpec()
        let analysis = try FitAnalysis(try model.request(data: data, spec: spec), anova: anova)
        try FitReport.write(analysis, format: format, residuals: residuals, json: json, source: analysis.table.source,
                            dialect: csv.dialect(), xlsx: xlsx, model: try saveModel.map { ($0, try SavedModel(run: analysis.run).json()) })
    }
}

/// Renders an analysis and writes every output, all or nothing.
enum FitReport {
    static func write(_ analysis: FitAnalysis, format: SummaryFormat, residuals: String?, json: String?, source: String,
                      dialect: CSVWriter.Dialect, xlsx: String?, model: (path: String, json: String)? = nil) throws {
        let s = analysis.summary
        for r in analysis.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        if !s.dropped.isEmpty {
            Console.error("varex: \(s.dropped.count) of \(analysis.table.rowCount) rows left out of the fit (\(TextSummary.reasons(s.dropped)))")
        }
        if s.dfResidual == 0 {
            Console.error("varex: as many usable rows as coefficients: the fit is exact, so standard errors, tests and influence measures are undefined")
        }
        Console.warnings(s)
        let aliased = s.coefficients.filter(\.isAliased).map(\.term)
        if !aliased.isEmpty {
            Console.error("varex: \(aliased.count) term\(aliased.count == 1 ? " is" : "s are") not estimable (a linear combination of earlier terms): \(aliased.joined(separator: ", "))")
        }
        var outputs: [(path: String, contents: String)] = []
        // The residual table is built only when an output needs it.
        let table = residuals != nil || xlsx != nil ? try analysis.residuals() : nil
        if let residuals, let table { outputs.append((residuals, CSVWriter.render(table, dialect: dialect))) }
        if let json { outputs.append((json, JSONSummary.render(s))) }
        if let model { outputs.append((model.path, model.json)) }
        let stdoutTaken = outputs.contains { $0.path == "-" }
        if !stdoutTaken {
            let text: String
            switch format {
            case .markdown: text = MarkdownSummary.render(s)
            case .csv: text = CSVWriter.render(CoefficientTable.make(s), dialect: dialect)
            case .json: text = JSONSummary.render(s)
            case .text: text = TextSummary.render(s, source: source)
            }
            outputs.append(("-", text))
        }
        var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
        if let xlsx, let table {
            let book = try XLSXWriter.data(table: table, sheetName: "Residuals",
                                           provenance: .of(summary: s, dataPath: analysis.table.source),
                                           extra: CoefficientTable.make(s))
            files.insert((xlsx, book), at: 0)
        }
        try OutputFiles.write(bytes: files)
    }
}
