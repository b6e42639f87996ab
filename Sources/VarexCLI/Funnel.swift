import ArgumentParser
import Varex
import VarexAnalysis

/// `varex funnel`: an indicator against its precision, with control limits.
struct Funnel: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Funnel-plot data: each council's z-score and the control limits it falls outside.",
        discussion: """
        The precision comes from one of: --se COL (standard errors), --moe COL (95% margins of error, se \
        = moe/1.959964, the normal 97.5% quantile), --denominator COL with --kind proportion (default: \
        the indicator a percentage unless --scale 1) or --kind rate (per --per, default 100,000). With \
        --se or --moe, --kind is optional: given, it checks the values and keeps the limits inside the \
        indicator's range. Every value must fit its kind (a proportion between 0 and --scale, a rate at \
        least 0); one that does not is an error naming the council. Limits never leave the range (a \
        percentage's limits stay within 0–100). The target is the pooled value unless --target is given. \
        Overdispersion: multiplicative (Spiegelhalter 2005: φ from winsorised z-scores, limits × √φ when \
        φ > 1), additive (DerSimonian–Laird τ² from the winsorised z-scores, limits from √(s² + τ²)) or \
        none. φ and τ² go to stderr. A risk-adjusted funnel (indirect standardisation): --indicator \
        OBSERVED --expected EXPECTED plots observed/expected with s = √(target/expected); or --formula \
        with --family poisson (or binomial) fits the case-mix model and takes its fitted counts as expected.

        Examples:
          varex funnel fixtures/councils/asc_2018_19.csv --id code --label name \\
            --indicator ascof_3a --denominator ascof_3a_base --kind proportion --out funnel.csv
          varex funnel fixtures/councils/asc_2018_19.csv --id code --indicator ascof_1a --moe ascof_1a_moe --overdispersion additive
          varex funnel fixtures/councils/asc_2018_19.csv --id code --indicator ascof_2a2 --denominator ascof_2a2_den --kind rate
          varex funnel fixtures/councils/asc_2018_19.csv --id code --family poisson \\
            --formula "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))" --out risk-adjusted.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions
    @Option(help: "Column of the indicator (or a residual); with --expected, the observed count.")
    var indicator: String?
    @OptionGroup var precision: PrecisionOptions
    @Option(help: "Column of denominators (survey base, population), with --kind.")
    var denominator: String?
    @Option(help: "The indicator's kind: proportion (default with --denominator) or rate; optional with --se or --moe.")
    var kind: IndicatorKindName?
    @Option(help: "For proportions: the indicator's units per whole (100 for percentages).")
    var scale: Double = 100
    @Option(help: "For rates: per how many (100000 for per 100,000).")
    var per: Double = 100_000
    @Option(help: "Overdispersion: multiplicative, additive or none.")
    var overdispersion: Overdispersion = .multiplicative
    @Option(help: "Control limit levels (repeatable; default 0.95 and 0.998).")
    var level: [Double] = []
    @Option(help: "The centre line (default: the pooled value).")
    var target: Double?
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @Option(help: "A risk-adjusted funnel: the column of expected counts (indirect standardisation); --indicator is the observed count and the funnel shows observed/expected (target: total observed/total expected).")
    var expected: String?
    @Option(help: "A risk-adjusted funnel from a model: the GLM whose fitted counts are the expected ones (its response the observed count; an offset(log(exposure)) for exposure), with --family poisson or binomial.")
    var formula: String?
    @Option(help: "With --formula: the GLM's family (poisson, quasipoisson, binomial or quasibinomial).")
    var family: Family?
    @Option(help: "With --formula: the GLM's link (default: the family's).")
    var link: Link?

    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func validate() throws {
        guard [precision.se, precision.moe, denominator, expected, formula].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --se, --moe, --denominator, --expected or --formula")
        }
        if formula != nil, family == nil { throw ValidationError("--formula needs --family (poisson or binomial): the model of the expected counts") }
        if formula == nil, family != nil || link != nil { throw ValidationError("--family and --link go with --formula") }
        if formula != nil, indicator != nil { throw ValidationError("with --formula the observed count is the model's response: leave out --indicator") }
        if formula == nil, indicator == nil { throw ValidationError("give --indicator COLUMN") }
        if (expected != nil || formula != nil), kind != nil || target != nil && target! <= 0 {
            throw ValidationError("a risk-adjusted funnel shows observed/expected: --kind does not apply, and a --target ratio must be positive")
        }
        guard level.allSatisfy({ $0 > 0 && $0 < 1 }) else { throw ValidationError("--level must lie strictly between 0 and 1") }
    }

    func run() throws {
        let method = overdispersion
        let levels = level.isEmpty ? [0.95, 0.998] : level
        let table: Table, ids: RowIDs, joinReports: [JoinReport], leftOut: [Int: String]
        if let formula, let family {
            var request = FitRequest(dataPath: data, formula: formula, id: rows.id, joins: join, exclude: selection.exclude)
            request.subset = selection.subset
            let model = try ExpectedCounts(request, family: family, link: link)
            (table, ids, joinReports) = (model.table, model.data.ids, model.data.joinReports)
            leftOut = [:] // the model's rows left out have no expected count
            for w in model.warnings { Console.error("varex: warning: \(w)") }
        } else {
            let loaded = try DataInput(path: data, joins: join, id: rows.id, exclude: selection.exclude, subset: selection.subset).read()
            (table, ids, joinReports, leftOut) = (loaded.table, loaded.ids, loaded.joinReports, loaded.leftOut)
        }
        for r in joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let indicator = self.indicator ?? ExpectedCounts.observed
        let request = FunnelRequest(indicator: indicator, standardError: precision.se, marginOfError: precision.moe, denominator: denominator,
                                    kind: (kind ?? (denominator != nil ? .proportion : nil))?.kind(scale: scale, per: per),
                                    overdispersion: method, levels: levels, target: target,
                                    expected: formula != nil ? ExpectedCounts.expected : expected)
        let result = try FunnelAnalysis(table: table, request: request, ids: rows.id == nil ? nil : ids, leftOut: leftOut)
        let f = result.plot
        let leftOutText = result.leftOut.isEmpty ? "" : "; \(result.leftOut.count) left out (\(TextSummary.reasons(result.leftOut)))"
        Console.error("varex: funnel of \(request.expected == nil ? indicator : "\(indicator)/\(request.expected!)"): \(f.values.count) councils, target \(NumberFormat.significant(f.target, 6)), "
            + "φ = \(NumberFormat.significant(f.phi, 4)), τ² = \(NumberFormat.significant(f.tau2, 4)), overdispersion \(method.rawValue)\(leftOutText)")
        let labels = try rows.label.map { Array(try table.column($0).cells) }
        try OutputFiles.write([(rows.out, CSVWriter.render(result.table(ids: ids, idName: rows.id ?? "id", labels: labels, labelName: rows.label), dialect: csv.dialect()))])
    }
}
