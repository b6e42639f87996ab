import ArgumentParser
import Varex
import VarexAnalysis

/// `varex triangulate`: the regression, DEA and a stochastic frontier side by side.
struct Triangulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Three views side by side: the regression's unjustified spend, DEA efficiency and a stochastic cost frontier, with ranks (1 = best), rank intervals and rank correlations.",
        discussion: """
        Over the councils every view can use: the regression of --spend on the --need terms (every \
        term justified: the unjustified amount is spend less what need predicts); a DEA with --spend \
        as the input, the --output measures as outputs and Banker and Morey's --dea-need columns \
        (input orientation, --returns); and a half-normal cost frontier of log(spend) on the need \
        terms. --bootstrap N adds the regression's rank intervals (cases resampled) and the DEA's \
        Simar–Wilson corrected scores, intervals and rank intervals (with --sampling-error auto, each \
        replicate also redraws the outputs from their margins of error or counts); --rank-draws N the frontier's \
        rank intervals. The summary gives Spearman's correlations between the three rankings and \
        the councils in the top fifth of all three.

        Examples:
          varex triangulate fixtures/councils/asc_2018_19.csv --id code --label name \\
            --spend asc_net_spend_per_adult_gbp --need "imd_score + I(log(pop_85p/pop_18p)) + I(log(pop_65p/pop_18p))" \\
            --output ascof_1a --output ascof_1b --output ascof_3a --dea-need imd_score \\
            --bootstrap 500 --rank-draws 1000 --out three.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String
    @OptionGroup var csv: CSVOptions
    @Option(help: "The spend column (the regression's response, DEA's input, the frontier's cost).")
    var spend: String
    @Option(help: ArgumentHelp("The need terms, as a formula's right-hand side.", valueName: "TERMS"))
    var need: String
    @Option(help: "A DEA output, more is better and positive (repeatable).")
    var output: [String] = []
    @Option(name: .customLong("dea-need"), help: "A need column for the DEA (Banker–Morey: never compared with less need; repeatable).")
    var deaNeed: [String] = []
    @Option(help: "DEA's returns to scale: constant, variable, non-increasing or non-decreasing.")
    var returns: ReturnsToScale = .variable
    @Option(help: "Bootstrap replicates for the regression's and the DEA's rank intervals (0: none).")
    var bootstrap: Int = 0
    @Option(name: .customLong("rank-draws"), help: "Draws for the frontier's rank intervals (0: none).")
    var rankDraws: Int = 0
    @Option(help: "Seed of the bootstrap and the draws.")
    var seed: UInt64 = 1
    @Option(help: "Level of the intervals.")
    var level: Double = 0.95
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @Option(help: ArgumentHelp("Also write the three views as an HTML page here.", valueName: "FILE"))
    var report: String?
    @Option(help: ArgumentHelp("A council (id or label) whose peers and target the page shows.", valueName: "ID"))
    var council: String?
    @OptionGroup var errors: SamplingErrorOptions
    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func validate() throws {
        guard !output.isEmpty else { throw ValidationError("give at least one --output COLUMN for the DEA") }
        guard bootstrap == 0 || (bootstrap >= 2 && bootstrap <= 100_000) else { throw ValidationError("--bootstrap must be 0 (none) or between 2 and 100000") }
        guard rankDraws == 0 || (rankDraws >= 2 && rankDraws <= 1_000_000) else { throw ValidationError("--rank-draws must be 0 (none) or between 2 and 1000000") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
        guard council == nil || report != nil else { throw ValidationError("--council chooses whose peers the page shows: give --report too") }
    }

    func run() throws {
        try OutputFiles.check([rows.out] + (report.map { [$0] } ?? []))
        var request = TriangulationRequest(spend: spend, need: need, outputs: output, deaNeeds: deaNeed, returns: returns,
                                           replicates: bootstrap, rankDraws: rankDraws, seed: seed, level: level)
        request.samplingError = errors.samplingError ?? .none
        (request.marginOfError, request.counts) = try errors.columns()
        let a = try TriangulationAnalysis(data: data, joins: join, id: rows.id, label: rows.label, exclude: selection.exclude,
                                          subset: selection.subset, request: request)
        let summary = TriangulationTable.summary(a)
        let table = TriangulationTable.table(a)
        var outputs = [(rows.out, CSVWriter.render(table, dialect: csv.dialect()))]
        if let report { outputs.append((report, try TriangulationReport.render(a, table: table, council: council))) }
        if rows.out == "-" { Console.error(summary) }
        try OutputFiles.write(outputs)
        if rows.out != "-" { print(summary, terminator: "") }
    }
}
