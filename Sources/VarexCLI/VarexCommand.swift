import ArgumentParser
import Varex

/// The root command. With no subcommand it runs the demo.
struct VarexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "varex",
        abstract: "Explain variation between councils with accurate, honest regressions.",
        discussion: """
        Run with no arguments (or `varex demo`) to fit a model on the bundled 2018-19 data for
        all 152 English councils with adult social care responsibilities.

        Exit status: 0 success, 1 bad input or usage, 2 numerical failure.
        """,
        version: VarexVersion.string,
        subcommands: [Fit.self, Explain.self, Index.self, Rank.self, Funnel.self, Shrink.self, PeersCommand.self, ReportCommand.self, Init.self, SnapshotCommand.self, Verify.self, Demo.self],
        defaultSubcommand: Demo.self
    )
}
