import ArgumentParser
import Varex
import VarexAnalysis

/// `varex value`: outcomes per pound, need for need, with the outcome measures' sampling error.
struct Value: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Need-adjusted spend against need-adjusted outcome: quadrants, intervals and ranks (1 = best) that carry the measures' sampling error.",
        discussion: """
        Spend (--spend) and an outcome index of the --measure columns (as `varex index`) are each \
        regressed on the need terms (--need, a formula's right-hand side) and adjusted to average \
        need: a council's own value less its need's effect. The picture puts adjusted spend against \
        adjusted outcome, with the average council at the centre; its quadrants are low spend with a \
        good outcome, and so on.

        The outcome measures are estimates: survey measures have published margins of error, count \
        measures numerators and denominators. With --sampling-error auto (the default) a measure M \
        takes its margin of error from a column M_moe (normal, SD = moe / 1.96) or its counts from \
        M_num and M_den (a proportion or a rate, from its Jeffreys posterior); --moe and --counts \
        name other columns. Each of --draws draws redraws every measure, rebuilds the index, refits \
        its regression, and draws both regressions' coefficients jointly; the intervals, the rank \
        intervals and how often a council stays in its quadrant come from those draws, the same for \
        a --seed on any machine and core count. Rank 1 is the best: the lowest need-adjusted spend, \
        the best need-adjusted outcome.

        Examples:
          varex value fixtures/councils/asc_2018_19.csv --id code --label name \\
            --spend asc_net_spend_per_adult_gbp --need "I(pop_65p/pop_18p) + imd_score" \\
            --measure ascof_1a:+ --measure ascof_2a2:- --out value.csv --report value.html
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String
    @OptionGroup var csv: CSVOptions
    @Option(help: "The spend column (e.g. net spend per adult).")
    var spend: String
    @Option(help: ArgumentHelp("The need terms, as a formula's right-hand side (e.g. \"I(pop_65p/pop_18p) + imd_score\").", valueName: "TERMS"))
    var need: String
    @Option(help: "An outcome measure as COLUMN:+ (higher is better) or COLUMN:- (repeatable).")
    var measure: [String] = []
    @Option(help: "A measure's weight in the index, COLUMN=number (repeatable; default 1).")
    var weight: [String] = []
    @Option(help: "The index's normalisation: z, minmax or rank.")
    var normalise: Normalisation = .z
    @Option(name: .customLong("min-measures"), help: "The fewest measures a council needs for an index (default 1); one with fewer is left out.")
    var minMeasures: Int = 1
    @OptionGroup var errors: SamplingErrorOptions
    @Option(help: "How many draws of the measures and the coefficients.")
    var draws: Int = 2000
    @Option(help: "Seed of the draws.")
    var seed: UInt64 = 1
    @Option(help: "Level of the intervals.")
    var level: Double = 0.95
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @Option(help: ArgumentHelp("Also write the value view as an HTML page here.", valueName: "FILE"))
    var report: String?
    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func validate() throws {
        guard !measure.isEmpty else { throw ValidationError("give at least one --measure COLUMN:+ or COLUMN:-") }
        guard draws >= 2 && draws <= 1_000_000 else { throw ValidationError("--draws must be between 2 and 1000000") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
    }

    func run() throws {
        var weights: [String: Double] = [:]
        for w in weight {
            guard let (name, v) = NameValue.positiveNumber(w) else { throw ExplainError.invalidWeight(w) }
            weights[name] = v
        }
        let (moeColumns, countColumns) = try errors.columns()
        let request = ValueRequest(spend: spend, need: need, measures: try measure.map(Measure.parse), weights: weights,
                                   normalisation: normalise, minimumMeasures: minMeasures, samplingError: errors.samplingError ?? .auto,
                                   marginOfError: moeColumns, counts: countColumns, draws: draws, seed: seed, level: level)
        try OutputFiles.check([rows.out] + (report.map { [$0] } ?? []))
        let a = try ValueAnalysis(request.fitRequest(data: data, id: rows.id, label: rows.label, joins: join,
                                                     exclude: selection.exclude, subset: selection.subset), value: request)
        for r in a.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let table = ValueTable.table(a)
        var outputs = [(rows.out, CSVWriter.render(table, dialect: csv.dialect()))]
        if let report {
            let labels = a.data.labels ?? Array(a.data.ids)
            outputs.append((report, ValueReport.render(a, table: table, labels: labels, outputs: "the CSV")))
        }
        let summary = ValueTable.summary(a)
        if rows.out == "-" { Console.error(summary) }
        try OutputFiles.write(outputs)
        if rows.out != "-" { print(summary, terminator: "") }
    }
}
