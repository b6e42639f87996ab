import Foundation
import Testing

/// A user's files are sacred: no output replaces an input, a fixture or a device; devices, FIFOs
/// and process substitution work as outputs; a failed write is a failure; an interrupted run
/// leaves nothing behind. Each case runs the `varex` binary.
struct OutputSafetyTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + council_type"
    static let explainArgs = ["--id", "code", "--formula", formula, "--justified", "need=imd_score,council_type"]

    /// A folder with a copy of the council data, and its path.
    static func workspace() throws -> (dir: String, data: String) {
        let dir = try CLI.temporaryDirectory()
        let data = dir + "/data.csv"
        try FileManager.default.copyItem(atPath: councils, toPath: data)
        return (dir, data)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// The arguments, with DATA for the data file and OUT for the output that names it.
        let arguments: [String]
        var testDescription: String { name }
    }

    static let overwriteCases: [Case] = [
        Case(name: "fit --residuals", arguments: ["fit", "DATA", "--formula", formula, "--residuals", "OUT"]),
        Case(name: "fit --json", arguments: ["fit", "DATA", "--formula", formula, "--json", "OUT"]),
        Case(name: "fit --xlsx", arguments: ["fit", "DATA", "--formula", formula, "--xlsx", "OUT"]),
        Case(name: "explain --out", arguments: ["explain", "DATA"] + explainArgs + ["--out", "OUT"]),
        Case(name: "explain --json", arguments: ["explain", "DATA"] + explainArgs + ["--json", "OUT"]),
        Case(name: "explain --xlsx", arguments: ["explain", "DATA"] + explainArgs + ["--xlsx", "OUT"]),
        Case(name: "explain --sensitivity-out", arguments: ["explain", "DATA"] + explainArgs + ["--sensitivity-out", "OUT"]),
        Case(name: "rank --out", arguments: ["rank", "DATA"] + explainArgs + ["--bootstrap", "20", "--out", "OUT"]),
        Case(name: "report --html", arguments: ["report", "DATA"] + explainArgs + ["--bootstrap", "20", "--html", "OUT"]),
        Case(name: "report --out", arguments: ["report", "DATA"] + explainArgs + ["--bootstrap", "20", "--html", "/dev/null", "--out", "OUT"]),
        Case(name: "index --out", arguments: ["index", "DATA", "--id", "code", "--measure", "ascof_1a:+", "--out", "OUT"]),
        Case(name: "funnel --out", arguments: ["funnel", "DATA", "--id", "code", "--indicator", "ascof_1a", "--moe", "ascof_1a_moe", "--out", "OUT"]),
        Case(name: "shrink --out", arguments: ["shrink", "DATA", "--id", "code", "--estimate", "ascof_1a", "--moe", "ascof_1a_moe", "--out", "OUT"]),
        Case(name: "peers --out", arguments: ["peers", "DATA", "--id", "code", "--value", "ascof_1a", "--by", "imd_score", "--out", "OUT"]),
        Case(name: "init --out", arguments: ["init", "DATA", "--out", "OUT"]),
        Case(name: "efficiency --out", arguments: ["efficiency", "DATA", "--id", "code", "--input", "asc_net_spend_per_adult_gbp", "--output", "ascof_1a", "--out", "OUT"]),
        Case(name: "efficiency --peers-out", arguments: ["efficiency", "DATA", "--id", "code", "--input", "asc_net_spend_per_adult_gbp", "--output", "ascof_1a",
                                                          "--out", "/dev/null", "--peers-out", "OUT"]),
        Case(name: "value --out", arguments: ["value", "DATA", "--id", "code", "--spend", "asc_net_spend_per_adult_gbp", "--need", "imd_score",
                                              "--measure", "ascof_1a:+", "--draws", "20", "--out", "OUT"]),
        Case(name: "value --report", arguments: ["value", "DATA", "--id", "code", "--spend", "asc_net_spend_per_adult_gbp", "--need", "imd_score",
                                                 "--measure", "ascof_1a:+", "--draws", "20", "--out", "/dev/null", "--report", "OUT"]),
        Case(name: "triangulate --out", arguments: ["triangulate", "DATA", "--id", "code", "--spend", "asc_net_spend_per_adult_gbp", "--need", "imd_score",
                                                    "--output", "ascof_1a", "--out", "OUT"]),
        Case(name: "triangulate --report", arguments: ["triangulate", "DATA", "--id", "code", "--spend", "asc_net_spend_per_adult_gbp", "--need", "imd_score",
                                                       "--output", "ascof_1a", "--out", "/dev/null", "--report", "OUT"]),
    ]

    /// An output that is the input, by its own name, through a link, or by another spelling,
    /// is refused: exit 1, one line, the input unchanged, no temporary file left.
    @Test(arguments: overwriteCases, ["same", "link", "spelling"])
    func anOutputThatIsAnInputIsRefused(_ c: Case, _ how: String) throws {
        let (dir, data) = try Self.workspace()
        let before = try Data(contentsOf: URL(fileURLWithPath: data))
        let target: String
        switch how {
        case "link":
            target = dir + "/link.csv"
            try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: data)
        case "spelling":
            target = dir + "/./sub/../data.csv"
            try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        default:
            target = data
        }
        let args = c.arguments.map { $0 == "DATA" ? data : $0 == "OUT" ? target : $0 }
        let r = try CLI.run(args)
        #expect(r.status == 1, "\(c.name) \(how): exit \(r.status)")
        #expect(r.stderr.contains("refusing to write over an input of this run"), "\(c.name) \(how): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").filter { $0.hasPrefix("varex: error") }.count == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before, "\(c.name) \(how): the input changed")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("varex-tmp") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aJoinedFileAndTheSpecAreInputsToo() throws {
        let (dir, data) = try Self.workspace()
        let join = dir + "/gross.csv"
        try FileManager.default.copyItem(atPath: CLI.fixture("councils/gross_spend_2018_19.csv"), toPath: join)
        let joined = try CLI.run(["explain", data, "--join", join] + Self.explainArgs + ["--json", join])
        #expect(joined.status == 1 && joined.stderr.contains("gross.csv: refusing to write over an input"))
        let spec = dir + "/spec.yaml"
        try "data: data.csv\nid: code\nformula: \"\(Self.formula)\"\n".write(toFile: spec, atomically: true, encoding: .utf8)
        let specText = try String(contentsOfFile: spec, encoding: .utf8)
        let r = try CLI.run(["fit", "--spec", spec, "--json", spec])
        #expect(r.status == 1 && r.stderr.contains("spec.yaml: refusing to write over an input"))
        #expect(try String(contentsOfFile: spec, encoding: .utf8) == specText)
        // Standard output appended to the input: refused too.
        let appended = try CLI.run(["-c", "\"$0\" fit \"$1\" --formula \"$2\" >> \"$1\"", CLI.binary, data, Self.formula], executable: "/bin/bash")
        #expect(appended.status == 1 && appended.stderr.contains("standard output: refusing to write over an input"))
    }

    @Test func twoOutputsNamingOneFileAreRefused() throws {
        let (dir, data) = try Self.workspace()
        let r = try CLI.run(["fit", data, "--formula", Self.formula, "--residuals", dir + "/a.csv", "--json", dir + "/./a.csv"])
        #expect(r.status == 1 && r.stderr.contains("named for two outputs"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/a.csv"))
    }

    /// /dev/null takes any output and stays a device (run as root, a rename would replace it).
    @Test func devNullStaysADevice() throws {
        let r = try CLI.run(["fit", Self.councils, "--formula", Self.formula, "--residuals", "/dev/null", "--json", "/dev/null",
                             "--xlsx", "/dev/null"])
        #expect(r.status == 0, "\(r.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        let dir = try CLI.temporaryDirectory()
        let fifo = dir + "/pipe", copy = dir + "/copy.csv"
        #expect(mkfifo(fifo, 0o644) == 0)
        // A reader beside the writer, as `cat pipe > copy & varex ... --residuals pipe`.
        let r = try CLI.run(["-c", "cat \"$1\" > \"$2\" & \"$0\" fit \"$3\" --id code --formula \"$4\" --residuals \"$1\"; s=$?; wait; exit $s",
                             CLI.binary, fifo, copy, Self.councils, Self.formula], executable: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: copy, encoding: .utf8)
        #expect(text.hasPrefix("code,observed,fitted"))
        #expect(text.split(separator: "\n").count == 153)
        let attributes = try FileManager.default.attributesOfItem(atPath: fifo)
        #expect(attributes[.type] as? FileAttributeType != .typeRegular, "the FIFO was replaced by a file")
    }

    @Test func processSubstitutionWorks() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/r.csv.gz"
        let r = try CLI.run(["-c", "\"$0\" fit \"$1\" --id code --formula \"$2\" --residuals >(gzip > \"$3\") && sleep 0.5",
                             CLI.binary, Self.councils, Self.formula, out], executable: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        let unzipped = try CLI.run(["-c", "zcat \"$0\" | head -1", out], executable: "/bin/bash")
        #expect(unzipped.stdout.hasPrefix("code,observed,fitted"), "\(unzipped.stdout) \(unzipped.stderr)")
    }

    @Test(arguments: [["fit", councils, "--formula", formula], ["fit", councils, "--formula", formula, "--residuals", "-"],
                      ["verify", CLI.fixture("specs/council-explain.yaml"), "--fixture", CLI.fixture("snapshots/council-explain")]])
    func aFailedWriteToStandardOutputIsAFailure(_ args: [String]) throws {
        let r = try CLI.run(["-c", "\"$0\" \"$@\" > /dev/full", CLI.binary] + args, executable: "/bin/bash")
        #expect(r.status == 1, "exit \(r.status)")
        #expect(r.stderr.contains("standard output: cannot write"), "\(r.stderr)")
    }

    /// Ctrl-C while an output is staged: the temporary file is removed and nothing else is written.
    /// The run is held mid-write by a FIFO with no reader, after the residual CSV is staged.
    @Test(arguments: [SIGINT, SIGTERM])
    func anInterruptedRunLeavesNothingBehind(_ signal: Int32) throws {
        let dir = try CLI.temporaryDirectory()
        let fifo = dir + "/held"
        #expect(mkfifo(fifo, 0o644) == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["fit", Self.councils, "--formula", Self.formula, "--residuals", dir + "/out.csv", "--json", fifo]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var staged = false
        for _ in 0..<200 where !staged {
            staged = (try FileManager.default.contentsOfDirectory(atPath: dir)).contains { $0.contains("varex-tmp") }
            if !staged { usleep(25_000) }
        }
        #expect(staged, "the run never staged its output")
        kill(p.processIdentifier, signal)
        for _ in 0..<200 where p.isRunning { usleep(25_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL); Issue.record("the signal did not stop the run") }
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == ["held"], "left behind: \(left)")
    }

    @Test func snapshotRefusesAnExistingFixtureUnlessForced() throws {
        let dir = try CLI.temporaryDirectory()
        let fixture = dir + "/fixture"
        try FileManager.default.copyItem(atPath: CLI.fixture("snapshots/council-explain"), toPath: fixture)
        let spec = CLI.fixture("specs/council-explain.yaml")
        let before = try Data(contentsOf: URL(fileURLWithPath: fixture + "/explain.csv"))
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: fixture + "/summary.json"))
        let refused = try CLI.run(["snapshot", spec, "--out", fixture])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("already holds a fixture") && refused.stderr.contains("--force"))
        #expect(try String(contentsOfFile: fixture + "/summary.json", encoding: .utf8) == "tampered")
        let forced = try CLI.run(["snapshot", spec, "--out", fixture, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: fixture + "/summary.json", encoding: .utf8) != "tampered")
        // The shipped fixture was written on another machine, whose BLAS kernel may differ in the
        // last bits: the forced snapshot agrees with it as verify compares, not byte for byte.
        let shipped = try Data(contentsOf: URL(fileURLWithPath: CLI.fixture("snapshots/council-explain/explain.csv")))
        #expect(before == shipped)
        let agrees = try CLI.run(["verify", spec, "--fixture", CLI.fixture("snapshots/council-explain"), "--rtol", "1e-9"])
        #expect(agrees.status == 0, "\(agrees.stdout)\(agrees.stderr)")
        // On one machine the same analysis gives the same bytes.
        let fresh = try CLI.run(["snapshot", spec, "--out", dir + "/new"])
        #expect(fresh.status == 0 && FileManager.default.fileExists(atPath: dir + "/new/checksums.txt"))
        for file in ["explain.csv", "summary.json"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture + "/" + file))
                    == Data(contentsOf: URL(fileURLWithPath: dir + "/new/" + file)), "\(file) differs between two runs on one machine")
        }
    }
}

/// The mixed-model and panel outputs go through the same guard: each refuses to write over the
/// panel data it read, and writes to /dev/null.
struct PanelOutputSafetyTests {
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + financial_year"
    static let panelArgs = ["--panel", "code", "--time", "financial_year", "--formula", formula,
                            "--justified", "need=imd_score", "--justified", "year=financial_year", "--draws", "20"]
    static let cases: [[String]] = [
        ["fit", "DATA", "--formula", formula + " + (1 | code)", "--ranef", "OUT"],
        ["fit", "DATA", "--formula", formula + " + (1 | code)", "--residuals", "OUT"],
        ["fit", "DATA", "--formula", formula, "--absorb", "code", "--residuals", "OUT"],
        ["explain", "DATA"] + panelArgs + ["--persistent-out", "OUT"],
        ["explain", "DATA"] + panelArgs + ["--out", "OUT"],
        ["report", "DATA"] + panelArgs + ["--html", "OUT"],
    ]

    @Test(arguments: cases)
    func anOutputThatIsTheDataIsRefused(_ arguments: [String]) throws {
        let dir = try CLI.temporaryDirectory()
        let data = dir + "/panel.csv"
        try FileManager.default.copyItem(atPath: CLI.fixture("councils/asc_panel_2014_2019.csv"), toPath: data)
        let before = try Data(contentsOf: URL(fileURLWithPath: data))
        let r = try CLI.run(arguments.map { $0 == "DATA" ? data : $0 == "OUT" ? data : $0 })
        #expect(r.status == 1 && r.stderr.contains("refusing to write over an input of this run"), "\(arguments): \(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before)
        let devNull = try CLI.run(arguments.map { $0 == "DATA" ? data : $0 == "OUT" ? "/dev/null" : $0 })
        #expect(devNull.status == 0, "\(arguments): \(devNull.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: "/dev/null")
        #expect(attributes[.type] as? FileAttributeType == .typeCharacterSpecial)
    }
}
