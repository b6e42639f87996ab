import ArgumentParser
import Varex
import VarexAnalysis

/// `varex peers`: each council's value against its nearest neighbours'.
struct PeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peers",
        abstract: "Compare each council's value with its statistical nearest neighbours.",
        discussion: """
        Neighbours are the --peers nearest councils by weighted Euclidean distance on the --by variables \
        standardised to z-scores (--by-weight VAR=w), or read from a CSV of code,neighbour_code pairs \
        (--neighbours). Output: the value, the peers' mean, the difference, the council's rank among \
        itself and its peers (1 = highest), and the peers.

        Examples:
          varex peers explain.csv --id code --value unjustified --join fixtures/councils/asc_2018_19.csv \\
            --by pop_65p --by imd_score --by pop_18p --peers 15
          varex peers data.csv --id code --value residual --neighbours neighbours.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String

    @OptionGroup var csv: CSVOptions
    @Option(help: "Column of the value to compare (e.g. unjustified, residual).")
    var value: String
    @Option(help: "A variable that defines similarity (repeatable).")
    var by: [String] = []
    @Option(name: .customLong("by-weight"), help: "A variable's weight in the distance, VAR=w (repeatable; default 1).")
    var byWeight: [String] = []
    @Option(help: "Number of nearest neighbours.")
    var peers: Int = 15
    @Option(help: "A CSV of unit,neighbour id pairs to use instead of --by.")
    var neighbours: String?
    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []
    @Option(help: "Column that identifies each row.")
    var id: String
    @Option(help: "A column to show beside the id.")
    var label: String?
    @OptionGroup var selection: RowSelectionOptions
    @Option(help: "Write the CSV here (default: stdout).")
    var out: String = "-"

    func run() throws {
        guard (neighbours == nil) != by.isEmpty else { throw ValidationError("give --by variables or --neighbours FILE, not both") }
        guard peers >= 1 else { throw ValidationError("--peers must be at least 1") }
        let loaded = try DataInput(path: data, joins: join, id: id, exclude: selection.exclude, subset: selection.subset).read()
        for r in loaded.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        Console.leftOut(loaded)
        let table = loaded.keptTable, ids = loaded.keptIDs
        var weights: [String: Double] = [:]
        for w in byWeight {
            guard let (name, v) = NameValue.positiveNumber(w) else { throw ValidationError("--by-weight \(w): write it as VAR=positive number") }
            weights[name] = v
        }
        let groups = try neighbours.map { try Peers(ids: Array(ids), pairs: Table(contentsOf: $0)) }
            ?? Peers(table: table, variables: by, weights: weights, count: peers)
        let c = try table.column(value)
        if c.kind == .text, let bad = c.firstNonNumericRow {
            throw DataError.notANumber(table.location(row: bad, column: value), text: c.cells[bad])
        }
        let values = (0..<table.rowCount).map { c.isMissing[$0] ? Double.nan : Double(c.values[$0]) }
        let labels = try label.map { Array(try table.column($0).cells) }
        let all = try label.map { Array(try loaded.table.column($0).cells) }
        let result = groups.compare(values: values, ids: ids, idName: id, labels: labels, labelName: label).restoring(ids: loaded.ids, leftOut: loaded.leftOut, labels: all)
        try OutputFiles.write([(out, CSVWriter.render(result, dialect: csv.dialect()))])
    }
}
