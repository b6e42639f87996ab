import ArgumentParser
import Varex
import VarexAnalysis

/// Where the outcome measures' sampling errors are (`value`, `efficiency --bootstrap`).
struct SamplingErrorOptions: ParsableArguments {
    @Option(name: .customLong("sampling-error"), help: "auto: each measure's error from its _moe or _num/_den columns; none: the measures are exact (the default: auto for value, none for efficiency).")
    var samplingError: SamplingErrorSource?
    @Option(help: ArgumentHelp("A measure's 95% margin-of-error column, MEASURE=COLUMN (repeatable).", valueName: "MEASURE=COLUMN"))
    var moe: [String] = []
    @Option(help: ArgumentHelp("A measure's numerator and denominator, MEASURE=NUM/DEN (repeatable).", valueName: "MEASURE=NUM/DEN"))
    var counts: [String] = []

    /// The explicit columns, parsed.
    func columns() throws -> (moe: [String: String], counts: [String: (numerator: String, denominator: String)]) {
        var moeColumns: [String: String] = [:], countColumns: [String: (numerator: String, denominator: String)] = [:]
        for m in moe {
            guard let (name, column) = NameValue.split(m) else { throw ValidationError("--moe \(m): write it as MEASURE=COLUMN") }
            moeColumns[name] = column
        }
        for c in counts {
            guard let (name, pair) = NameValue.split(c), let slash = pair.firstIndex(of: "/"), slash != pair.startIndex,
                  pair.index(after: slash) != pair.endIndex else { throw ValidationError("--counts \(c): write it as MEASURE=NUM/DEN") }
            countColumns[name] = (String(pair[..<slash]), String(pair[pair.index(after: slash)...]))
        }
        return (moeColumns, countColumns)
    }

    /// Refuses explicit columns with `none`.
    func validate() throws {
        if samplingError == SamplingErrorSource.none, !(moe.isEmpty && counts.isEmpty) {
            throw ValidationError("--moe and --counts name error columns: leave them out with --sampling-error none")
        }
    }
}
