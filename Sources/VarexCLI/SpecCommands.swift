import ArgumentParser
import Varex
import VarexAnalysis

/// `varex init`: a commented starter spec for a data file.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starter spec (YAML) for a CSV: its columns, their types and missing counts.",
        discussion: """
        Examples:
          varex init fixtures/councils/asc_2018_19.csv --out analysis.yaml
          varex explain --spec analysis.yaml
        """
    )

    @Argument(help: "The data: a CSV file with a header row (or gzip-compressed, .csv.gz).")
    var data: String
    @Option(help: "Write the spec here (default: stdout). The data path in it is relative to this file.")
    var out: String = "-"

    func run() throws {
        let table = try Table(contentsOf: data)
        let dataPath = out == "-" ? data : StarterSpec.relativePath(from: out, to: data, currentDirectory: FileSystem.currentDirectory)
        try OutputFiles.write([(out, StarterSpec.render(table: table, dataPath: dataPath))])
    }
}

/// `varex snapshot`: run a spec and keep every output as a fixture.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Run a spec and write a fixture: the spec, the data's SHA-256, the JSON summaries and every table.",
        discussion: """
        Examples:
          varex snapshot fixtures/specs/council-explain.yaml --out fixtures/snapshots/council-explain
          varex verify fixtures/specs/council-explain.yaml --fixture fixtures/snapshots/council-explain
        """
    )

    @Argument(help: "The spec file.")
    var spec: String
    @Option(help: "The fixture folder to write (created if needed).")
    var out: String
    @Flag(help: "Replace the fixture already in the --out folder (a published fixture is refused without it).")
    var force = false

    func run() throws {
        let snapshot = try Snapshot(specPath: spec)
        if !force, let existing = snapshot.files.first(where: { FileIdentity(path: out + "/" + $0.name) != nil }) {
            throw OutputError.fixtureExists(folder: out, file: existing.name)
        }
        try FileSystem.makeDirectory(out)
        try OutputFiles.write(snapshot.files.map { (out + "/" + $0.name, $0.contents) })
        Console.error("varex: wrote \(snapshot.files.count) files to \(out)")
    }
}

/// `varex verify`: re-run a spec and compare every number with a fixture.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run a spec and compare every number with a fixture; exit 1 with a table of differences.",
        discussion: """
        A number passes when |got − expected| ≤ atol + rtol·|expected|. When the data's checksum differs \
        from the fixture's, the message says so first (the data changed, not the method).

        Examples:
          varex verify fixtures/specs/council-explain.yaml --fixture fixtures/snapshots/council-explain
          varex verify analysis.yaml --fixture published-2019 --rtol 1e-6
        """
    )

    @Argument(help: "The spec file.")
    var spec: String
    @Option(help: "The fixture folder (from varex snapshot).")
    var fixture: String
    @Option(help: "Relative tolerance.")
    var rtol: Double = Verification.defaultRTol
    @Option(help: "Absolute tolerance.")
    var atol: Double = Verification.defaultATol

    func validate() throws {
        // A NaN tolerance would fail every comparison (and an infinite one pass every one).
        for (name, value) in [("--rtol", rtol), ("--atol", atol)] where !(value.isFinite && value >= 0) {
            throw ValidationError("\(name) \(value): a tolerance must be a finite number, 0 or more")
        }
    }

    func run() throws {
        let report = try Verification.verify(spec: spec, fixture: fixture, rtol: rtol, atol: atol)
        if report.passed {
            try OutputFiles.writeStandardOutput(Array(report.description.utf8))
        } else {
            Console.error(report.description.trimmingTrailingNewlines)
            throw ExitCode(1)
        }
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
