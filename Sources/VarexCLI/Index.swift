import ArgumentParser
import Varex
import VarexAnalysis

/// `varex index`: several outcome measures combined into one index per row.
struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine outcome measures into one index per council, written as CSV.",
        discussion: """
        Each measure is normalised (z-score, min-max or rank), oriented so that higher is better, and \
        the index is the weighted mean over the measures a row has; rows missing some measures are \
        re-weighted over the others and noted. Join the CSV to use the index as a response or a \
        covariate in `varex explain`.

        Examples:
          varex index fixtures/councils/asc_2018_19.csv --id code \\
            --measure ascof_1a:+ --measure ascof_3a:+ --measure ascof_2a2:- --weight ascof_1a=2 --out index.csv
          varex index data.csv --measure score:+ --measure delays:- --normalise rank
          varex index data.csv --measure a:+ --measure b:+ --measure c:- --sensitivity 1000 --weight-spread 0.25

        With --sensitivity the CSV also has each council's rank (1 = highest index), the range of ranks \
        it takes across the random weights and the three normalisations, the central 95% of its ranks \
        under random weights, and its rank under each normalisation. The measures are estimates: with \
        --sampling-error auto each of those draws also redraws every measure from its margin of \
        error (a column MEASURE_moe) or its counts (MEASURE_num, MEASURE_den), and the central 95% \
        (rank_draws_low, rank_draws_high) holds both; --weight-spread 0 then keeps the chosen weights, \
        for the sampling error alone.
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions

    @Option(help: "A measure as COLUMN:+ (higher is better) or COLUMN:- (lower is better) (repeatable).")
    var measure: [String] = []

    @Option(help: "A measure's weight, COLUMN=number (repeatable; default 1).")
    var weight: [String] = []

    @Option(help: "Normalisation: z, minmax or rank.")
    var normalise: Normalisation = .z

    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []

    @Option(help: "Column that identifies each row (default: row number).")
    var id: String?

    @Option(help: "A column to show beside the id, e.g. the council's name.")
    var label: String?

    @Option(name: .customLong("min-measures"), help: "The fewest measures a council needs for an index (default 1); a council with fewer gets none, and no rank, with a note.")
    var minMeasures: Int = 1

    @Option(help: "Name of the index column.")
    var name: String = "outcome_index"

    @Option(help: "Add rank columns: ranks under this many random weight vectors (Dirichlet around the chosen weights) and under each normalisation.")
    var sensitivity: Int = 0

    @Option(name: .customLong("weight-spread"), help: "Spread of the random weights: Dirichlet(α = w/Σw / spread²); 0.2 ≈ 20% variation.")
    var weightSpread: Double = 0.2

    @Option(help: "Seed of the random weights.")
    var seed: UInt64 = 1

    @OptionGroup var errors: SamplingErrorOptions
    @OptionGroup var selection: RowSelectionOptions
    @Option(help: "Write the CSV here (default: stdout).")
    var out: String = "-"

    func run() throws {
        let method = normalise
        guard !measure.isEmpty else { throw ValidationError("give at least one --measure COLUMN:+ or COLUMN:-") }
        var weights: [String: Double] = [:]
        for w in weight {
            guard let (name, v) = NameValue.positiveNumber(w) else { throw ExplainError.invalidWeight(w) }
            weights[name] = v
        }
        let loaded = try DataInput(path: data, joins: join, id: id, exclude: selection.exclude, subset: selection.subset).read()
        for r in loaded.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        Console.leftOut(loaded)
        let measures = try measure.map(Measure.parse)
        let (moeColumns, countColumns) = try errors.columns()
        let sampled = errors.samplingError == .auto || !moeColumns.isEmpty || !countColumns.isEmpty
        if sampled && sensitivity == 0 {
            throw ValidationError("the measures' sampling errors are drawn with the random weights: give --sensitivity N too")
        }
        if sensitivity > 0 {
            guard weightSpread > 0 || (sampled && weightSpread == 0) else {
                throw ValidationError("--weight-spread must be positive (0 only with --sampling-error, to draw the measures alone)")
            }
        }
        let definition = IndexDefinition(name: name, measures: measures, weights: weights, normalisation: method, minimumMeasures: minMeasures,
                                         sensitivity: sensitivity > 0 ? .init(draws: sensitivity, spread: weightSpread, seed: seed,
                                                                              samplingError: errors.samplingError == .auto) : nil)
        let (result, sources) = try definition.table(loaded, id: id, label: label, marginOfError: moeColumns, counts: countColumns)
        let notes = result.rows.filter { row in
            if case let .text(n) = row.last, !n.isEmpty, !n.hasPrefix("left out") { return true } else { return false }
        }.count
        if notes > 0 { Console.error("varex: \(notes) row\(notes == 1 ? "" : "s") re-weighted or without an index (see the note column)") }
        if !sources.isEmpty { Console.error("varex: sampling errors: " + sources.map { "\($0.measure) (\($0.description))" }.joined(separator: "; ")) }
        try OutputFiles.write([(out, CSVWriter.render(result, dialect: csv.dialect()))])
    }
}
