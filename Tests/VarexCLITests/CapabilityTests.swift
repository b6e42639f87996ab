import Foundation
import Testing
import VarexAnalysis

/// Every model kind × capability cell through the binary: a cell the table refuses gives the
/// table's one-line message, exit 1 and no output file; a cell it supports runs (exit 0). The
/// numbers of the supported cells are checked against R in each feature's own tests; this walk
/// is what keeps the table and the commands from drifting apart.
struct CapabilityTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")
    static let rurality = CLI.fixture("councils/rurality_2011.csv")

    /// The command line of a kind, with the formula's extra right-hand side `extra`.
    static func base(_ kind: ModelKind, command: String, randomTerm: Bool = false) -> [String] {
        let re = randomTerm ? " + (1 | region)" : ""
        switch kind {
        case .linear: return [command, councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score" + re]
        case .absorbed:
            return [command, councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score" + re, "--absorb", "region"]
        case .glm:
            return [command, councils, "--id", "code", "--family", "poisson",
                    "--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))" + re]
        case .mixed: return [command, councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | region)"]
        case .glmm:
            return [command, councils, "--id", "code", "--family", "poisson",
                    "--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den)) + (1 | region)"]
        case .streamed: return [command, councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score" + re, "--stream"]
        case .panel:
            return [command, panel, "--panel", "code", "--time", "financial_year",
                    "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year" + re, "--draws", "50"]
        }
    }

    /// The command a kind's cells run on, and the extra arguments of a capability (nil where the
    /// capability is not an option of that command, or is the kind itself).
    static func line(_ kind: ModelKind, _ c: Capability, dir: String) -> [String]? {
        let command: String
        switch c {
        case .explain, .sensitivityOut, .explainWorkbook: command = "explain"
        case .rank: command = "rank"
        case .report, .funnelIndicator, .bootstrap: command = "report"
        case .xlsx where kind == .panel: command = "report" // a panel's explain asks explainWorkbook
        default: command = kind == .panel ? "explain" : "fit"
        }
        if kind == .streamed && command != "fit" { return nil }
        if kind == .panel && command == "rank" { return nil }
        if kind == .panel && command == "explain" && [.explain].contains(c) { return nil }
        var groups = command == "fit" ? [] : ["--justified", kind == .panel ? "need=imd_score,financial_year" : "need=imd_score"]
        // An absorbed factor is a group of its own in an explanation.
        if (kind == .absorbed || c == .absorb) && command != "fit" { groups += ["--unjustified", "place=region"] }
        // So is a random-effect term, as lme4 prints it.
        if (kind == .mixed || kind == .glmm || c == .randomTerms) && kind != .panel && command != "fit" { groups += ["--unjustified", "area=(1 | region)"] }
        var extra: [String]
        switch c {
        case .weights: extra = ["--weights", "pop_18p"]
        case .robustSE: extra = ["--se", "HC3"]
        case .leverageHC: extra = ["--se", "HC5"]
        case .clusteredSE: extra = ["--cluster", "region", "--se", "CR1"]
        case .cr2: extra = ["--cluster", "region", "--se", "CR2"]
        case .anova: extra = ["--anova"]
        case .saveModel: extra = ["--save-model", dir + "/model.json"]
        case .dfbetas: extra = ["--dfbetas", "all", "--residuals", dir + "/out.csv"]
        case .xlsx: extra = ["--xlsx", dir + "/out.xlsx"]
        case .textFormats: extra = ["--format", "markdown"]
        case .join: extra = ["--join", rurality]
        case .exclude: extra = ["--exclude", "E06000001"]
        case .subset: extra = ["--subset", kind == .panel ? "financial_year != \"2014-15\"" : "imd_score > 15"]
        case .labelAndKeep: extra = ["--label", "name"]
        // A panel's family cell is a GLMM: counts out of a denominator (the Gaussian with the
        // identity link would be the linear mixed model again).
        case .family: extra = kind == .panel ? ["--family", "binomial"] : ["--family", "gaussian"]
        case .absorb: extra = ["--absorb", "region"]
        case .randomTerms: extra = []
        case .explain, .rank: extra = []
        case .report: extra = ["--html", dir + "/report.html", "--bootstrap", "50"]
        case .sensitivityOut: extra = ["--sensitivity-out", dir + "/sensitivity.csv"]
        case .explainWorkbook: extra = ["--xlsx", dir + "/explain.xlsx"]
        case .funnelIndicator: extra = ["--html", dir + "/report.html", "--funnel-indicator", "ascof_1a", "--funnel-moe", "ascof_1a_moe"]
        case .bootstrap: extra = ["--html", dir + "/report.html", "--bootstrap", "50"]
        }
        if command == "report" && c != .report && c != .bootstrap && c != .funnelIndicator && c != .xlsx { return nil }
        if command == "report" && c == .xlsx { extra = ["--html", dir + "/report.html", "--xlsx", dir + "/out.xlsx"] }
        if kind == .panel, command == "report", c == .report { extra = ["--html", dir + "/report.html"] }
        if kind == .panel && [.anova, .saveModel, .dfbetas, .textFormats].contains(c) { return nil }
        if command == "explain" || command == "rank" || command == "report", [.anova, .saveModel, .dfbetas, .textFormats].contains(c) { return nil }
        // A cell on a command the kind does not take is that command's cell.
        let commandCapability: Capability? = ["explain": .explain, "rank": .rank, "report": .report][command]
        if let cc = commandCapability, cc != c, CapabilityTable.refusal(cc, for: kind) != nil { return nil }
        // The kind itself is not a cell of its own row.
        if (kind == .glm && c == .family) || (kind == .absorbed && c == .absorb) || (kind == .mixed && c == .randomTerms)
            || (kind == .glmm && (c == .family || c == .randomTerms)) { return nil }
        if kind == .streamed && c == .join { extra += [] }
        if command == "report" && kind != .panel && c == .funnelIndicator { extra += ["--bootstrap", "50"] }
        let line = base(kind, command: command, randomTerm: c == .randomTerms) + groups + extra
        return kind == .panel && c == .family ? Self.binomialPanel(line) : line
    }

    /// A panel's command line with the response the ASCOF 2B1 counts out of the denominator.
    static func binomialPanel(_ line: [String]) -> [String] {
        line.map { $0.replacingOccurrences(of: "asc_net_spend_per_adult_gbp ~", with: "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~") }
    }

    /// The cell a request lands in: the kind is chosen once, random-effect terms first, then a
    /// family, then absorbed factors, so (absorbed, random terms) is a mixed model asked to absorb
    /// and (GLM, random terms) a GLMM.
    static func resolved(_ kind: ModelKind, _ c: Capability) -> (ModelKind, Capability?) {
        switch (kind, c) {
        case (.absorbed, .randomTerms): return (.mixed, .absorb)
        case (.absorbed, .family): return (.glm, .absorb)
        case (.glm, .randomTerms), (.mixed, .family): return (.glmm, nil)
        case (.linear, .absorb): return (.absorbed, nil)
        case (.linear, .family): return (.glm, nil)
        case (.linear, .randomTerms), (.streamed, .randomTerms): return (.mixed, nil)
        // HC4/HC5 are sandwich types too: a kind without sandwiches refuses them as such.
        case (_, .leverageHC) where CapabilityTable.refusal(.robustSE, for: kind) != nil: return (kind, .robustSE)
        default: return (kind, c)
        }
    }

    /// A cell's run against the table: the table's refusal message, exit 1 and nothing left in
    /// `dir`; or, where the table refuses nothing, exit 0 and every output in `dir` written.
    static func expectAsTheTableSays(_ r: CLIResult, _ kind: ModelKind, _ c: Capability, line: [String], dir: String, cell name: String) {
        let (k, cell) = Self.resolved(kind, c)
        if let cell, let message = CapabilityTable.message(cell, for: k) {
            #expect(r.status == 1 && r.stderr == "varex: error: \(message)\n", "\(name): \(line.joined(separator: " "))\n\(r.stderr)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            #expect(left.isEmpty, "\(name) left \(left)")
        } else {
            #expect(r.status == 0, "\(name) is supported but failed: \(line.joined(separator: " "))\n\(r.stderr)")
            // A supported output is written, not silently skipped.
            for path in line where path.hasPrefix(dir + "/") {
                #expect(FileManager.default.fileExists(atPath: path), "\(name) did not write \(path)")
            }
        }
    }

    @Test(arguments: ModelKind.allCases)
    func everyCell(_ kind: ModelKind) throws {
        var ran = 0
        for c in Capability.allCases {
            let dir = try CLI.temporaryDirectory()
            guard let line = Self.line(kind, c, dir: dir) else { continue }
            ran += 1
            Self.expectAsTheTableSays(try CLI.run(line), kind, c, line: line, dir: dir, cell: "\(kind) × \(c)")
        }
        #expect(ran >= 8, "\(kind): only \(ran) cells walked")
    }

    /// A stream with a family (a GLM fitted a pass per IRLS iteration) takes every capability
    /// a stream takes: each cell runs and writes its outputs (the numbers against R in
    /// StreamGLMTests and the GLM tests run with `--stream`).
    @Test func aStreamedGLMTakesWhatAStreamTakes() throws {
        var ran = 0
        // (Random-effect terms with a family are a GLMM, whose Laplace fit refuses Gamma: its
        // streamed cells are GLMMCLITests.streamedAgainstGlmer.)
        for c in Capability.allCases where c != .family && c != .randomTerms && CapabilityTable.refusal(c, for: .streamed) == nil {
            let dir = try CLI.temporaryDirectory()
            guard let line = Self.line(.streamed, c, dir: dir) else { continue }
            let r = try CLI.run(line + ["--family", "Gamma", "--link", "log"])
            #expect(r.status == 0, "streamed GLM × \(c): \(line.joined(separator: " "))\n\(r.stderr)")
            for path in line where path.hasPrefix(dir + "/") {
                #expect(FileManager.default.fileExists(atPath: path), "streamed GLM × \(c) did not write \(path)")
            }
            ran += 1
        }
        #expect(ran >= 14, "\(ran) cells")
    }

    /// A mixed model with `--stream` reads the file in blocks and is then the mixed model: each
    /// of the mixed row's `fit` cells gives what it gives in memory, the same refusal message or
    /// a run that writes its outputs (the numbers against lme4 in MixedCLITests and
    /// GLMMCLITests, with `--stream`).
    @Test func aStreamedMixedModelTakesWhatAMixedModelTakes() throws {
        var ran = 0
        for c in Capability.allCases {
            let dir = try CLI.temporaryDirectory()
            guard let line = Self.line(.mixed, c, dir: dir), line.first == "fit" else { continue }
            Self.expectAsTheTableSays(try CLI.run(line + ["--stream"]), .mixed, c, line: line + ["--stream"], dir: dir,
                                      cell: "streamed mixed × \(c)")
            ran += 1
        }
        #expect(ran >= 15, "\(ran) cells")
    }

    /// A panel with `--family` (a GLMM) takes what a linear panel takes: each of the panel row's
    /// cells gives the same refusal message, or runs and writes its outputs (on 30 councils'
    /// five years, for time; the numbers against glmer in PanelGLMMTests), `--persistent-bootstrap`
    /// too.
    @Test func aPanelGLMMTakesWhatAPanelTakes() throws {
        let dir = try CLI.temporaryDirectory()
        let lines = try String(contentsOfFile: Self.panel, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let small = dir + "/panel30.csv"
        try (lines.prefix(1 + 30 * 5).joined(separator: "\n") + "\n").write(toFile: small, atomically: true, encoding: .utf8)
        var ran = 0
        for c in Capability.allCases where c != .family {
            let cellDir = try CLI.temporaryDirectory()
            guard let line = Self.line(.panel, c, dir: cellDir) else { continue }
            let glmm = Self.binomialPanel(line).map { $0 == Self.panel ? small : $0 } + ["--family", "binomial"]
            Self.expectAsTheTableSays(try CLI.run(glmm), .panel, c, line: glmm, dir: cellDir, cell: "panel GLMM × \(c)")
            ran += 1
        }
        #expect(ran >= 12, "\(ran) cells")
        let boot = try CLI.run(Self.binomialPanel(Self.base(.panel, command: "explain")).map { $0 == Self.panel ? small : $0 }
                               + ["--justified", "need=imd_score,financial_year", "--family", "binomial", "--persistent-bootstrap", "4",
                                  "--persistent-out", dir + "/units.csv"])
        #expect(boot.status == 0, "\(boot.stderr)")
        let units = try CLI.records(dir + "/units.csv")
        #expect(units.count == 30 && units.allSatisfy { Double($0["persistent_boot_low"]!)! < Double($0["persistent_boot_high"]!)! })
    }

    /// No refusal wording outside the table: "not in this version" appears in one source file.
    @Test func theTableIsTheOnlySourceOfNotInThisVersion() throws {
        let sources = URL(fileURLWithPath: CLI.repository + "/Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 100)
        let offending = try files.filter { try String(contentsOf: $0, encoding: .utf8).contains("not in this version") }.map(\.lastPathComponent)
        #expect(offending == ["CapabilityTable.swift"], "\(offending)")
    }

    /// The compute module names no command-line flag: its messages name settings through
    /// `SettingNames`, which the command line renders as flags and a spec as keys.
    @Test func theComputeModuleNamesNoFlag() throws {
        let sources = URL(fileURLWithPath: CLI.repository + "/Sources/Varex")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 80)
        // Swift has no `--` operator: outside comments, `--name` can only be in a string.
        let flag = try Regex(#"(^|[^-])--[a-z]"#)
        var offending: [String] = []
        for file in files {
            for (k, line) in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                if code.contains(flag) { offending.append("\(file.lastPathComponent):\(k + 1)") }
            }
        }
        #expect(offending == [], "\(offending)")
    }

    /// `varex capabilities` prints the table: one line per kind and capability, each refusal in
    /// the words the commands use.
    @Test func theTableIsPrinted() throws {
        let r = try CLI.run(["capabilities"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(lines.count == ModelKind.allCases.count * Capability.allCases.count)
        for k in ModelKind.allCases {
            for c in Capability.allCases {
                if let message = CapabilityTable.message(c, for: k), CapabilitiesCommandKinds.shown(k, c) {
                    #expect(r.stdout.contains("  no   " + message + "\n"), "\(k) × \(c)")
                }
            }
        }
        let bad = try CLI.run(["capabilities", "--kind", "bayesian"])
        #expect(bad.status != 0 && bad.stderr.contains("give one of linear, absorbed, glm, mixed, glmm, streamed, panel"))
    }
}

/// Which refused cells `varex capabilities` shows as refusals (not as a change of kind, or an
/// option of a command the kind does not take).
enum CapabilitiesCommandKinds {
    static func shown(_ k: ModelKind, _ c: Capability) -> Bool {
        let changes: Bool
        switch (k, c) {
        case (.linear, .randomTerms), (.absorbed, .randomTerms), (.glm, .randomTerms), (.linear, .family), (.absorbed, .family), (.linear, .absorb),
             (.streamed, .randomTerms), (.mixed, .family):
            changes = true
        default: changes = false
        }
        let command: Capability? = [.sensitivityOut: .explain, .explainWorkbook: .explain, .funnelIndicator: .report, .bootstrap: .report][c]
        return !changes && !(command.map { CapabilityTable.refusal($0, for: k) != nil } ?? false)
    }
}

