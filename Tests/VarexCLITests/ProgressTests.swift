import Foundation
import Testing

/// Progress on long work (issue 12, part 5, started): on a terminal, a line on stderr rewritten
/// in place (bootstrap replicates, rank-interval draws, rows read, criterion evaluations) and
/// cleared before the results; through a pipe, nothing. The terminal is util-linux `script`'s
/// pseudo-terminal.
struct ProgressTests {
    static let args = ["rank", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code",
                       "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                       "--justified", "all=imd_score,council_type", "--bootstrap", "20000", "--out", "/dev/null"]

    @Test func aTerminalSeesProgressAndAPipeDoesNot() throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script (util-linux) is missing")
        let command = ([CLI.binary] + Self.args).map { "'" + $0 + "'" }.joined(separator: " ")
        let onTerminal = try CLI.run(["-qec", command, "/dev/null"], executable: "/usr/bin/script")
        #expect(onTerminal.status == 0, "\(onTerminal.stderr)")
        #expect(onTerminal.stdout.contains("varex: bootstrap: 64 of 20000 replicates"), "\(onTerminal.stdout.prefix(300))")
        // Cleared before the summary: the summary line starts after an erase-line sequence.
        #expect(onTerminal.stdout.contains("\r\u{1B}[Kvarex: Ranked 152 councils"))
        let piped = try CLI.run(Self.args)
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("bootstrap:") && !piped.stderr.contains("\u{1B}"), "\(piped.stderr)")
    }
}
