import ArgumentParser
import Varex
import VarexAnalysis

/// `varex efficiency`: outcomes per pound, by data envelopment analysis.
struct Efficiency: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Frontier efficiency by DEA or a stochastic frontier: each council against the best practice of councils like it.",
        discussion: """
        DEA (data envelopment analysis) finds, for each council, the combination of other councils \
        (its peers, weighted by λ) that achieves at least its outputs with the least input. Its \
        efficiency is the share of its input that combination needs (input orientation), or the \
        reciprocal of the factor by which its outputs could grow (output orientation): 1 on the \
        frontier, below 1 off it. Rank 1 is the most efficient (by super-efficiency with --super). \
        Every input and output must be positive (they are ratios); a council missing one is left \
        out and listed.

        A need (--need, e.g. a deprivation score) is a condition the council cannot choose that \
        makes the same outcome dearer: a council is only compared with combinations facing at \
        least its need (Banker and Morey 1986). A --fixed-input is one that makes outcomes easier \
        and cannot be changed: the combination has no more of it than the council.

        The slacks are what is left to save (inputs) or gain (outputs) after the radial \
        projection; the peers and λ are those of the solution with the largest slacks (each as a \
        share of the council's own value). --bootstrap N adds Simar and Wilson's (1998) \
        bias-corrected efficiency and its --level interval (N of 2,000 is usual), the same for a \
        --seed on any machine and core count. The outputs are survey estimates or counts: with \
        --sampling-error auto each replicate also redraws every output from its margin of error \
        (a column OUTPUT_moe) or its counts (OUTPUT_num, OUTPUT_den), so the intervals and ranks \
        carry the measurement's error too (--moe and --counts name other columns).

        The programmes are solved by COIN-OR Clp.

        --sfa fits a stochastic frontier instead: --formula gives the frontier (a cost frontier by \
        default, as the English studies of council care: log spend on need and outputs; --side \
        production for an output), u half-normal, truncated-normal or exponential (--distribution), \
        the truncated normal's mean on --inefficiency-mean terms (Battese and Coelli 1995) and ln σu² on \
        --inefficiency-scale terms. Maximum likelihood from corrected OLS; each council's efficiency \
        E[exp(−u)|e] (Battese and Coelli 1988) with its --level interval (Horrace and Schmidt 1996) and \
        Jondrow et al.'s E[u|e]; the test that there is no inefficiency (Kodde and Palm's mixed χ²). \
        OLS residuals skewed the wrong way for the side are an error (exit 2), never "all efficient". \
        The estimates go to stdout (stderr when the table does).

        Examples:
          varex efficiency fixtures/councils/asc_2018_19.csv --id code --label name \\
            --input asc_net_spend_per_adult_gbp --output ascof_1a --output ascof_1b --output ascof_3a \\
            --need imd_score --returns variable --out efficiency.csv
          varex efficiency fixtures/councils/asc_2018_19.csv --id code --input asc_net_spend_per_adult_gbp \\
            --output ascof_1a --need imd_score --bootstrap 2000 --seed 1 --out efficiency.csv
          varex efficiency fixtures/councils/asc_2018_19.csv --sfa --id code \
            --formula "log(asc_net_spend_per_adult_gbp) ~ imd_score + I(log(pop_85p/pop_18p)) + council_type" --out sfa.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions
    @Flag(help: "Data envelopment analysis (the default).")
    var dea = false
    @Flag(help: "A stochastic frontier fitted by maximum likelihood (with --formula).")
    var sfa = false
    @Option(help: "With --sfa: the frontier, as an R formula (e.g. log(spend) ~ need terms).")
    var formula: String?
    @Option(help: "With --sfa: cost (inefficiency raises the response; the default) or production (it lowers it).")
    var side: FrontierSide = .cost
    @Option(help: "With --sfa: the inefficiency's distribution: half-normal, truncated-normal or exponential.")
    var distribution: InefficiencyDistribution?
    @Option(name: .customLong("inefficiency-mean"), help: ArgumentHelp("With --sfa: terms of the truncated normal's mean (Battese–Coelli 1995 determinants), e.g. 'log(pop_18p)'.", valueName: "TERMS"))
    var inefficiencyMean: String?
    @Option(name: .customLong("inefficiency-scale"), help: ArgumentHelp("With --sfa: terms of ln σu² (a heteroscedastic inefficiency).", valueName: "TERMS"))
    var inefficiencyScale: String?
    @Option(help: ArgumentHelp("With --sfa: a panel frontier, each unit identified by this column (with --time).", valueName: "COLUMN"))
    var panel: String?
    @Option(help: ArgumentHelp("With --panel: the period column (its distinct values in order).", valueName: "COLUMN"))
    var time: String?
    @Option(help: "With --panel: time-invariant (Pitt–Lee) or time-varying (Battese–Coelli 1992) inefficiency.")
    var inefficiency: PanelInefficiency = .timeVarying
    @Option(help: ArgumentHelp("An input column, e.g. spend per adult (repeatable).", valueName: "COLUMN"))
    var input: [String] = []
    @Option(help: ArgumentHelp("An output column, e.g. an outcome measure where more is better (repeatable).", valueName: "COLUMN"))
    var output: [String] = []
    @Option(help: ArgumentHelp("A need the council cannot choose, where more need makes outcomes dearer: compared only with combinations facing at least as much (repeatable).", valueName: "COLUMN"))
    var need: [String] = []
    @Option(name: .customLong("fixed-input"), help: ArgumentHelp("An input the council cannot change, where more makes outcomes easier (repeatable).", valueName: "COLUMN"))
    var fixedInput: [String] = []
    @Option(help: "input (how far spend could shrink, outcomes held) or output (how far outcomes could grow).")
    var orientation: DEAOrientation = .input
    @Option(help: "Returns to scale: constant, variable, non-increasing or non-decreasing.")
    var returns: ReturnsToScale = .variable
    @Flag(name: .customLong("super"), help: "Add super-efficiency (Andersen–Petersen: each council against the others only), which ranks councils on the frontier.")
    var superEfficiency = false
    @Option(help: "Simar–Wilson bootstrap replicates (0: none; 2000 is usual).")
    var bootstrap: Int = 0
    @Option(help: "The bootstrap's seed.")
    var seed: UInt64 = 1
    @Option(help: "The bootstrap interval's level.")
    var level: Double = 0.95
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @Option(name: .customLong("rank-draws"), help: "With --sfa: rank intervals from this many draws of the parameters and of each council's inefficiency given its residual (1,000 is usual).")
    var rankDraws: Int = 0
    @Option(name: .customLong("peers-out"), help: ArgumentHelp("Also write one row per council and peer (id, peer, λ) here.", valueName: "FILE"))
    var peersOut: String?

    @OptionGroup var errors: SamplingErrorOptions
    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func validate() throws {
        guard !(dea && sfa) else { throw ValidationError("give one of --dea and --sfa") }
        if sfa {
            guard formula != nil else { throw ValidationError("--sfa needs --formula: the frontier, e.g. \"log(spend) ~ need\"") }
            guard input.isEmpty && output.isEmpty && need.isEmpty && fixedInput.isEmpty && !superEfficiency && bootstrap == 0 && peersOut == nil,
                  errors.samplingError == nil && errors.moe.isEmpty && errors.counts.isEmpty else {
                throw ValidationError("--input, --output, --need, --fixed-input, --super, --bootstrap, --peers-out, --sampling-error, --moe and --counts are DEA's: leave them out with --sfa")
            }
            guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
            guard rankDraws == 0 || (rankDraws >= 2 && rankDraws <= 1_000_000) else { throw ValidationError("--rank-draws must be 0 (none) or between 2 and 1000000") }
            guard panel == nil || rankDraws == 0 else { throw ValidationError("--rank-draws is for a cross-section frontier: leave it out with --panel (a panel frontier gives each efficiency its Horrace–Schmidt interval)") }
            guard (panel == nil) == (time == nil) else { throw ValidationError("--panel and --time go together: the unit column and the period column") }
            if panel != nil, inefficiencyMean != nil || inefficiencyScale != nil || distribution == .exponential {
                throw ValidationError("a panel frontier's u is half-normal or truncated-normal with a constant mean: leave out --inefficiency-mean, --inefficiency-scale and the exponential")
            }
            return
        }
        guard panel == nil && time == nil else { throw ValidationError("--panel and --time go with --sfa") }
        guard rankDraws == 0 else { throw ValidationError("--rank-draws goes with --sfa; DEA's rank intervals come with --bootstrap") }
        guard formula == nil && distribution == nil && inefficiencyMean == nil && inefficiencyScale == nil else {
            throw ValidationError("--formula, --distribution, --inefficiency-mean and --inefficiency-scale go with --sfa")
        }
        guard !input.isEmpty else { throw ValidationError("give at least one --input COLUMN") }
        guard !output.isEmpty else { throw ValidationError("give at least one --output COLUMN") }
        guard bootstrap == 0 || (bootstrap >= 2 && bootstrap <= 100_000) else { throw ValidationError("--bootstrap must be 0 (none) or between 2 and 100000") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
    }

    func run() throws {
        if sfa { return try runSFA() }
        let loaded = try DataInput(path: data, joins: join, id: rows.id, exclude: selection.exclude, subset: selection.subset).read()
        for r in loaded.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        try OutputFiles.check([rows.out] + (peersOut.map { [$0] } ?? []))
        var request = EfficiencyRequest(inputs: input, outputs: output, fixedInputs: fixedInput, needs: need,
                                        model: DEAModel(orientation: orientation, returns: returns),
                                        superEfficiency: superEfficiency, replicates: bootstrap, seed: seed, level: level)
        request.samplingError = errors.samplingError ?? .none
        (request.marginOfError, request.counts) = try errors.columns()
        let a = try EfficiencyAnalysis(table: loaded.table, request: request, ids: loaded.ids, leftOut: loaded.leftOut)
        Console.error("varex: " + EfficiencySummary.line(a))
        let labels = try rows.label.map { Array(try loaded.table.column($0).cells) }
        let idName = rows.id ?? "id"
        var outputs = [(rows.out, CSVWriter.render(EfficiencyTable.table(a, ids: loaded.ids, idName: idName, labels: labels, labelName: rows.label), dialect: csv.dialect()))]
        if let peersOut { outputs.append((peersOut, CSVWriter.render(EfficiencyTable.peers(a, idName: idName), dialect: csv.dialect()))) }
        try OutputFiles.write(outputs)
    }

    func runSFA() throws {
        var request = FitRequest(dataPath: data, formula: formula!, id: rows.id, joins: join, exclude: selection.exclude)
        request.subset = selection.subset
        request.label = rows.label
        try OutputFiles.check([rows.out])
        let chosen = distribution ?? (inefficiencyMean != nil ? .truncatedNormal : .halfNormal)
        if let panel, let time {
            let a = try PanelFrontierAnalysis(request, unit: panel, time: time, model: StochasticFrontierModel(side: side, distribution: chosen),
                                              inefficiency: inefficiency, level: level)
            for r in a.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
            let summary = FrontierTable.summary(a)
            if rows.out == "-" { Console.error(summary) }
            try OutputFiles.write([(rows.out, CSVWriter.render(FrontierTable.table(a), dialect: csv.dialect()))])
            if rows.out != "-" { print(summary, terminator: "") }
            return
        }
        let a = try StochasticFrontierAnalysis(request, frontier: FrontierRequest(model: StochasticFrontierModel(side: side, distribution: chosen),
                                                                                  meanTerms: inefficiencyMean, scaleTerms: inefficiencyScale, level: level,
                                                                                  rankDraws: rankDraws, seed: seed))
        for r in a.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let summary = FrontierTable.summary(a)
        if rows.out == "-" { Console.error(summary) }
        try OutputFiles.write([(rows.out, CSVWriter.render(FrontierTable.table(a), dialect: csv.dialect()))])
        if rows.out != "-" { print(summary, terminator: "") }
    }
}
