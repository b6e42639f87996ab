import ArgumentParser
import Varex
import VarexAnalysis

/// What a published report or workbook says beyond its numbers: readable labels and the data's
/// sources (`report`, and the workbooks of `explain`, `rank` and `report`). The spec's `labels:`
/// and `sources:` say the same; flags add to them (a label given here wins).
struct PublicationOptions: ParsableArguments {
    @Option(name: .customLong("label-for"), help: ArgumentHelp("A readable label for a column or term, NAME=LABEL (repeatable), e.g. \"imd_score=Deprivation (IMD score)\".", valueName: "NAME=LABEL"))
    var labelFor: [String] = []
    @Option(help: ArgumentHelp("A data source with its licence line, printed in the notes (repeatable).", valueName: "TEXT"))
    var source: [String] = []

    /// The labels of the spec, then those of `--label-for` (split at the last `=`: a term may hold one).
    func labels(spec: AnalysisSpec?) throws -> Labels {
        var given = spec?.labels ?? [:]
        for l in labelFor {
            guard let eq = l.lastIndex(of: "="), eq != l.startIndex, l.index(after: eq) != l.endIndex else {
                throw ValidationError("--label-for \(l): write it as NAME=LABEL")
            }
            given[String(l[..<eq]).trimmingSpaces] = String(l[l.index(after: eq)...]).trimmingSpaces
        }
        return Labels(given)
    }

    /// The publication of a run on `dataPath` with `joins` (paths as the run reads them). With
    /// the report's `table`, the spec's `report: columns:` must name its columns.
    func publication(spec: AnalysisSpec?, dataPath: String, joins: [String], definitions: [String] = [],
                     table: OutputTable? = nil) throws -> Publication {
        if let table, let columns = spec?.report.columns {
            for c in columns where !table.header.contains(c) {
                throw ValidationError("\(spec!.path): report.columns: '\(c)' is not a column of the report's table (its columns: \(table.header.joined(separator: ", ")))")
            }
        }
        let specText = spec.flatMap { try? FileBytes.read(path: $0.path) }.map { String(decoding: $0, as: UTF8.self) }
        return Publication(labels: try labels(spec: spec), sources: (spec?.sources ?? []) + source,
                           inputs: Publication.inputs([dataPath] + joins), spec: specText,
                           definitions: (spec?.index?.description ?? []) + definitions,
                           columns: spec?.report.columns)
    }
}
