import ArgumentParser
import Varex
import VarexAnalysis

/// The root command. With no subcommand it runs the demo.
struct VarexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varex",
        abstract: "Explain variation between councils with accurate, honest regressions.",
        discussion: """
        Run with no arguments (or `varex demo`) to explain adult social care spend per adult in the \
        bundled 2018-19 data for England's councils: what need, council type and outcomes justify, and \
        what is left unexplained, in pounds per council.

        Examples:
          varex demo --out councils.csv
          varex fit DATA.csv --formula "y ~ x1 + log(x2) + group" --se HC3 --residuals residuals.csv
          varex explain --spec analysis.yaml --xlsx councils.xlsx
          varex report --spec analysis.yaml --html report.html

        Exit status: 0 success, 1 bad input or usage, 2 numerical failure.
        """,
        version: VarexVersion.string,
        subcommands: [Fit.self, Predict.self, AnovaCommand.self, CapabilitiesCommand.self, Explain.self, Index.self, Rank.self, Funnel.self, Efficiency.self, Value.self, Triangulate.self, Shrink.self, PeersCommand.self, ReportCommand.self, Init.self, SnapshotCommand.self, Verify.self, Demo.self],
        defaultSubcommand: Demo.self
    )
}
