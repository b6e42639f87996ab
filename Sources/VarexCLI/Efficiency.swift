import ArgumentParser
import Varex
import VarexAnalysis

/// `varex efficiency`: outcomes per pound, by data envelopment analysis.
struct Efficiency: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Frontier efficiency by DEA: each council's outcomes per pound against the best practice of councils like it.",
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
        --seed on any machine and core count.

        The programmes are solved by COIN-OR Clp.

        Examples:
          varex efficiency fixtures/councils/asc_2018_19.csv --id code --label name \\
            --input asc_net_spend_per_adult_gbp --output ascof_1a --output ascof_1b --output ascof_3a \\
            --need imd_score --returns variable --out efficiency.csv
          varex efficiency fixtures/councils/asc_2018_19.csv --id code --input asc_net_spend_per_adult_gbp \\
            --output ascof_1a --need imd_score --bootstrap 2000 --seed 1 --out efficiency.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions
    @Flag(help: "Data envelopment analysis (the default, and for now the only frontier this command fits).")
    var dea = false
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
    @Option(name: .customLong("peers-out"), help: ArgumentHelp("Also write one row per council and peer (id, peer, λ) here.", valueName: "FILE"))
    var peersOut: String?

    @OptionGroup var rows: RowOutputOptions
    @OptionGroup var selection: RowSelectionOptions

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input COLUMN") }
        guard !output.isEmpty else { throw ValidationError("give at least one --output COLUMN") }
        guard bootstrap == 0 || (bootstrap >= 2 && bootstrap <= 100_000) else { throw ValidationError("--bootstrap must be 0 (none) or between 2 and 100000") }
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
    }

    func run() throws {
        let loaded = try DataInput(path: data, joins: join, id: rows.id, exclude: selection.exclude, subset: selection.subset).read()
        for r in loaded.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        try OutputFiles.check([rows.out] + (peersOut.map { [$0] } ?? []))
        let request = EfficiencyRequest(inputs: input, outputs: output, fixedInputs: fixedInput, needs: need,
                                        model: DEAModel(orientation: orientation, returns: returns),
                                        superEfficiency: superEfficiency, replicates: bootstrap, seed: seed, level: level)
        let a = try EfficiencyAnalysis(table: loaded.table, request: request, ids: loaded.ids, leftOut: loaded.leftOut)
        Console.error("varex: " + EfficiencySummary.line(a))
        let labels = try rows.label.map { Array(try loaded.table.column($0).cells) }
        let idName = rows.id ?? "id"
        var outputs = [(rows.out, CSVWriter.render(EfficiencyTable.table(a, ids: loaded.ids, idName: idName, labels: labels, labelName: rows.label), dialect: csv.dialect()))]
        if let peersOut { outputs.append((peersOut, CSVWriter.render(EfficiencyTable.peers(a, idName: idName), dialect: csv.dialect()))) }
        try OutputFiles.write(outputs)
    }
}
