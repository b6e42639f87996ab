import ArgumentParser
import Varex

/// The options that turn a model into an explanation (`explain`, `rank`, `report`).
struct ExplainOptions: ParsableArguments {
    @Option(help: "A justified group, NAME=term1,term2 (repeatable).")
    var justified: [String] = []

    @Option(help: "An unjustified group, NAME=term1,term2 (repeatable).")
    var unjustified: [String] = []

    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []

    @Option(help: "Leave the row with this id out of the fit (repeatable); it stays in the table with a note.")
    var exclude: [String] = []

    @Option(help: "A column to show beside the id, e.g. the council's name.")
    var label: String?

    @Option(help: "A column that turns the per-head response into totals (e.g. pop_18p for spend per adult).")
    var scale: String?

    @Option(name: .customLong("higher-is"), help: "Whether a higher response is 'worse' (spend) or 'better' (outcomes); rank 1 is the worst.")
    var higherIs: String = "worse"

    func request(_ fit: FitRequest) throws -> ExplainRequest {
        guard higherIs == "worse" || higherIs == "better" else {
            throw ValidationError("--higher-is \(higherIs): expected worse or better")
        }
        let groups = try justified.map { try TermGroup.parse($0, justified: true) }
            + unjustified.map { try TermGroup.parse($0, justified: false) }
        return ExplainRequest(fit: fit, joins: join, exclude: exclude, label: label, groups: groups, scale: scale,
                              higherIsBetter: higherIs == "better")
    }
}
