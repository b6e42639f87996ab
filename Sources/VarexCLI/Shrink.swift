import ArgumentParser
import Varex
import VarexAnalysis

/// `varex shrink`: empirical-Bayes shrinkage of noisy per-council estimates.
struct Shrink: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Shrink each council's estimate towards the mean by its sampling variance (empirical Bayes).",
        discussion: """
        The sampling variance comes from --se COL, --moe COL (95% margin of error) or --variance COL. τ² \
        (between-council variance) and the mean are estimated by DerSimonian–Laird; with --centre zero \
        the mean is fixed at 0 (for residuals). Output: the shrunken value, its posterior SD, the \
        shrinkage factor, and ranks (1 = highest) on the raw and shrunken values.

        Examples:
          varex shrink fixtures/councils/asc_2018_19.csv --id code --label name --estimate ascof_1a --moe ascof_1a_moe
          varex explain ... --out explain.csv && varex shrink explain.csv --id code --join fixtures/councils/asc_2018_19.csv \\
            --estimate residual --moe ascof_1a_moe --centre zero
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions
    @Option(help: "Column of the estimates (e.g. an outcome or a model's residual).")
    var estimate: String
    @OptionGroup var precision: PrecisionOptions
    @Option(help: "Column of sampling variances.")
    var variance: String?
    @Option(help: "Prior mean: estimate (DerSimonian–Laird) or zero.")
    var centre: String = "estimate"
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func run() throws {
        guard [precision.se, precision.moe, variance].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of --se, --moe or --variance") }
        guard centre == "estimate" || centre == "zero" else { throw ValidationError("--centre \(centre): expected estimate or zero") }
        let loaded = try DataInput(path: data, joins: join, id: rows.id, exclude: selection.exclude, subset: selection.subset).read()
        for r in loaded.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let table = loaded.table, ids = loaded.ids
        let source: ShrinkageRequest.Variance = precision.se.map { .standardError($0) } ?? precision.moe.map { .marginOfError($0) } ?? .variance(variance!)
        let result = try ShrinkageAnalysis(table: table, request: ShrinkageRequest(estimate: estimate, variance: source,
                                                                                 fixedMean: centre == "zero" ? 0 : nil), leftOut: loaded.leftOut)
        let s = result.shrinkage
        let leftOut = result.leftOut.isEmpty ? "" : "; \(result.leftOut.count) left out (\(TextSummary.reasons(result.leftOut)))"
        Console.error("varex: shrinkage of \(estimate): \(s.estimates.count) councils, mean \(NumberFormat.significant(s.mean, 6)), "
            + "τ² = \(NumberFormat.significant(s.tau2, 4))\(leftOut)")
        let labels = try rows.label.map { Array(try table.column($0).cells) }
        try OutputFiles.write([(rows.out, CSVWriter.render(result.table(ids: ids, idName: rows.id ?? "id", labels: labels, labelName: rows.label), dialect: csv.dialect()))])
    }
}
