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

    /// The rows `--exclude` and `--subset` left out, one line: how many, and why.
    static func leftOut(_ loaded: DataInput.Loaded) {
        guard !loaded.leftOut.isEmpty else { return }
        error("varex: \(loaded.leftOut.count) of \(loaded.table.rowCount) rows left out (\(TextSummary.reasons(loaded.leftOutRows)))")
    }

    /// Writes a line to standard error (clearing a progress line first).
    static func error(_ message: String) {
        clearProgress()
        fputs(MessageText.printable(message) + "\n", stderr)
    }

    /// Whether a progress line is on the terminal.
    nonisolated(unsafe) static var progressShown = false

    /// Shows the library's progress reports on one line of standard error, rewritten in place,
    /// when standard error is a terminal; nothing otherwise (pipes and files stay clean).
    static func showProgressOnTerminal() {
        guard isatty(STDERR_FILENO) != 0 else { return }
        Progress.sink = { message in
            fputs("\r\u{1B}[K" + (message.isEmpty ? "" : "varex: " + message), stderr)
            fflush(stderr)
            Console.progressShown = !message.isEmpty
        }
    }

    static func clearProgress() {
        guard progressShown else { return }
        fputs("\r\u{1B}[K", stderr)
        progressShown = false
    }
}
