#if canImport(Glibc)
import Glibc
#endif

import Varex
import VarexAnalysis

enum Console {
    /// R's warnings for a fit, one line each, as `varex: warning: ...`.
    static func warnings(_ summary: FitSummary) {
        for w in summary.warnings { error("varex: warning: \(w)") }
    }

    /// Writes a line to standard error.
    static func error(_ message: String) {
        fputs(MessageText.printable(message) + "\n", stderr)
    }
}
