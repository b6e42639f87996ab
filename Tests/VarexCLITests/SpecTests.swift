import Foundation
import Testing
import Varex
import VarexAnalysis

/// Saved analyses: the project's own fixture verifies; changed data and a changed formula fail
/// with the right messages; bad specs are clear errors; flags override the spec.
struct SpecTests {
    static let spec = CLI.fixture("specs/council-explain.yaml")
    static let fixture = CLI.fixture("snapshots/council-explain")

    @Test func theBundledAnalysisVerifies() throws {
        let r = try CLI.run(["verify", Self.spec, "--fixture", Self.fixture])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("verified"))
        // The library form, as an analyst's own test would call it.
        let report = try Verification.verify(spec: Self.spec, fixture: Self.fixture)
        #expect(report.passed, "\(report.description)")
    }

    /// A copy of the spec and its data in a temporary folder, with `edit` applied to the files.
    static func copy(edit: (inout String, inout String) -> Void) throws -> String {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/councils", withIntermediateDirectories: true)
        for f in ["asc_2018_19.csv", "gross_spend_2018_19.csv", "rurality_2011.csv"] {
            try FileManager.default.copyItem(atPath: CLI.fixture("councils/" + f), toPath: dir + "/councils/" + f)
        }
        var spec = try String(contentsOfFile: Self.spec, encoding: .utf8)
        var data = try String(contentsOfFile: dir + "/councils/asc_2018_19.csv", encoding: .utf8)
        edit(&spec, &data)
        try spec.write(toFile: dir + "/specs/council-explain.yaml", atomically: true, encoding: .utf8)
        try data.write(toFile: dir + "/councils/asc_2018_19.csv", atomically: true, encoding: .utf8)
        return dir + "/specs/council-explain.yaml"
    }

    @Test func changedDataFailsWithTheDataChangedMessage() throws {
        // Hartlepool's deprivation score 33.178 → 35.178.
        let spec = try Self.copy { _, data in data = data.replacingOccurrences(of: ",33.178,", with: ",35.178,") }
        let r = try CLI.run(["verify", spec, "--fixture", Self.fixture])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("DATA CHANGED: ../councils/asc_2018_19.csv is not the data the fixture was made from"))
        #expect(r.stderr.contains("values differ"), "the differences follow")
        // Which council and column of the data changed comes first, before the result differences.
        #expect(r.stderr.contains("1 data cell changed:"), "\(r.stderr)")
        #expect(r.stderr.range(of: #"asc_2018_19\.csv\s+E06000001\s+imd_score\s+33\.178\s+35\.178"#, options: .regularExpression) != nil, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.firstIndex { $0.contains("data cell changed") }! < lines.firstIndex { $0.contains("values differ") }!)
    }

    @Test func changedFormulaFailsWithATableOfDifferences() throws {
        let spec = try Self.copy { spec, _ in spec = spec.replacingOccurrences(of: "pct_rural_2011", with: "pct_rural_incl_hub_towns_2011") }
        let r = try CLI.run(["verify", spec, "--fixture", Self.fixture])
        #expect(r.status == 1)
        #expect(!r.stderr.contains("DATA CHANGED"))
        #expect(r.stderr.contains("values differ (rtol 1e-09, atol 1e-12):"))
        let header = r.stderr.split(separator: "\n").first { $0.hasPrefix("file") }
        #expect(header?.contains("council") == true && header?.contains("expected") == true && header?.contains("relative error") == true)
        // Ranks first (the largest move first), then pound columns, then the rest by relative error.
        let report = try Verification.verify(spec: spec, fixture: Self.fixture)
        let kinds = report.differences.map(\.kind)
        #expect(kinds.contains(.rank) && kinds.contains(.pounds) && kinds.contains(.other))
        #expect(kinds == kinds.sorted(), "ranks, then pounds, then the rest")
        let moves = report.differences.filter { $0.kind == .rank }.map { abs(Double($0.got)! - Double($0.expected)!) }
        #expect(moves == moves.sorted(by: >))
        let others = report.differences.filter { $0.kind == .other }.compactMap(\.relativeError)
        #expect(others.count > 10 && others == others.sorted(by: >))
        #expect(r.stderr.contains("ranks first (\(moves.count)), then pound columns"))
        let first = r.stderr.split(separator: "\n").drop { !$0.hasPrefix("file") }.dropFirst().first.map(String.init) ?? ""
        #expect(first.contains(report.differences[0].column), "\(first)")
        // The analyst's helper fails with a few lines, not the whole report.
        #expect(throws: VerificationFailure.self) { try Verification.check(spec: spec, fixture: Self.fixture) }
        let compact = report.compactDescription()
        #expect(compact.split(separator: "\n").count <= 11 && compact.count < 2_000, "\(compact)")
        #expect(compact.contains("\(report.differences.count) values differ: \(moves.count) ranks"), "\(compact)")
        // The spec's changed lines first (the cause: the formula, the group, the label), then the first difference.
        #expect(report.specChanges.count == 3 && report.specChanges.allSatisfy { $0.now?.contains("pct_rural_incl_hub_towns_2011") == true
            && $0.was?.contains("pct_rural_2011") == true }, "\(report.specChanges)")
        let compactLines = compact.split(separator: "\n")
        #expect(compactLines[1...3].allSatisfy { $0.hasPrefix("spec line ") }, "\(compact)")
        #expect(compactLines[4].contains(report.differences[0].column))
        #expect(r.stderr.hasPrefix("SPEC CHANGED: 3 lines of the spec differ from the fixture's copy:"), "\(r.stderr.prefix(300))")
    }

    /// A file in the fixture that the re-run does not produce is a failure, not ignored.
    @Test func anExtraFixtureFileFails() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: dir + "/fixture")
        try "stale".write(toFile: dir + "/fixture/old-ranks.csv", atomically: true, encoding: .utf8)
        let r = try CLI.run(["verify", CLI.fixture("specs/council-explain.yaml"), "--fixture", dir + "/fixture"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not produced by the re-run: \(dir)/fixture/old-ranks.csv"), "\(r.stderr)")
    }

    /// The JSON files compare as trees: the fixture's explain.json rewritten by
    /// JSONSerialization (its members in a Dictionary's order, not the sorted order Varex
    /// writes) verifies as it was, and a flipped boolean, a changed number inside `fit` and a key
    /// the re-run lacks are each named.
    @Test func jsonComparesByKeyNotByPosition() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: dir + "/fixture")
        let path = dir + "/fixture/explain.json"
        var top = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        try JSONSerialization.data(withJSONObject: top).write(to: URL(fileURLWithPath: path))
        let same = try CLI.run(["verify", CLI.fixture("specs/council-explain.yaml"), "--fixture", dir + "/fixture"])
        #expect(same.status == 0, "reordered: \(same.stderr)")
        var groups = top["groups"] as! [[String: Any]]
        #expect(groups[0]["name"] as? String == "need" && groups[0]["justified"] as? Bool == true)
        groups[0]["justified"] = false
        top["groups"] = groups
        var fit = top["fit"] as! [String: Any]
        fit["r_squared"] = (fit["r_squared"] as! NSNumber).doubleValue + 0.1
        top["fit"] = fit
        top["retired_key"] = top.removeValue(forKey: "smearing_factor")
        try JSONSerialization.data(withJSONObject: top).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["verify", CLI.fixture("specs/council-explain.yaml"), "--fixture", dir + "/fixture"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.contains { $0.starts(with: ["explain.json", "need", "justified", "false", "true", "text"]) }, "\(r.stderr)")
        #expect(lines.contains { $0.starts(with: ["explain.json", "(summary)", "r_squared"]) }, "\(r.stderr)")
        #expect(lines.contains { $0.starts(with: ["explain.json", "(summary)", "retired_key"]) && $0.contains("(missing)") }, "\(r.stderr)")
        #expect(lines.contains { $0.starts(with: ["explain.json", "(summary)", "smearing_factor", "(missing)"]) }, "\(r.stderr)")
    }

    struct BadSpec: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let expect: String
        var testDescription: String { name }
    }

    static let bad: [BadSpec] = [
        BadSpec(name: "unknown key", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nweight: pop_18p\n",
                expect: "line 3: unknown key 'weight'; known keys here: data, id"),
        BadSpec(name: "wrong type", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nlevel: high\n",
                expect: "line 3: 'level' must be a number strictly between 0 and 1, not 'high'"),
        BadSpec(name: "wrong type in a section", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nrank:\n  bootstrap: [1, 2]\n",
                expect: "line 4: 'rank.bootstrap' must be a whole number from 2 to 1000000, not a list"),
        BadSpec(name: "unknown standard errors", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nse: HC9\n",
                expect: "line 3: 'se' must be classical, HC0, HC1, HC2, HC3, HC4, HC4m, HC5, CR0, CR1 or CR2, not 'HC9'"),
        BadSpec(name: "unknown direction", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nhigher_is: sideways\n",
                expect: "line 3: 'higher_is' must be worse or better, not 'sideways'"),
        BadSpec(name: "no replicates", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nrank: {bootstrap: 0}\n",
                expect: "line 3: 'rank.bootstrap' must be a whole number from 2 to 1000000, not '0'"),
        BadSpec(name: "negative replicates", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nrank:\n  bootstrap: -1\n",
                expect: "line 4: 'rank.bootstrap' must be a whole number from 2 to 1000000, not '-1'"),
        BadSpec(name: "unknown resampling", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nrank: {resample: jackknife}\n",
                expect: "line 3: 'rank.resample' must be cases or residuals, not 'jackknife'"),
        BadSpec(name: "a wrong value through an alias", yaml: "x: &bad sideways\ndata: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\nhigher_is: *bad\n",
                expect: "line 1: unknown key 'x'"),
        BadSpec(name: "an alias names the line of its use", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\njoin: &bad [x.csv]\nhigher_is: *bad\n",
                expect: "line 4: 'higher_is' must be worse or better, not a list"),
        BadSpec(name: "missing data file", yaml: "data: ../councils/nowhere.csv\nformula: asc_net_spend_k ~ imd_score\njustified: {need: [imd_score]}\n",
                expect: "councils/nowhere.csv: no such file"),
        BadSpec(name: "group naming an unknown term", yaml: "data: ../councils/asc_2018_19.csv\nformula: asc_net_spend_k ~ imd_score\njustified:\n  need: [imd_scor]\n",
                expect: "group 'need': the model has no term 'imd_scor'"),
    ]

    @Test(arguments: bad)
    func badSpecsAreClearErrors(_ c: BadSpec) throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/councils", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.fixture("councils/asc_2018_19.csv"), toPath: dir + "/councils/asc_2018_19.csv")
        let spec = try CLI.write(c.yaml, named: "specs/s.yaml", in: dir)
        let r = try CLI.run(["explain", "--spec", spec, "--out", dir + "/out.csv"])
        #expect(r.status == 1, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.expect), "\(c.name): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv"))
    }

    /// A library error about a setting is named as the user gave it: by its flag, by flag or spec
    /// key when a spec is in use, by spec key alone in snapshot/verify; usage errors point to the
    /// subcommand's own help.
    @Test func errorsNameTheSettingAsTheUserGaveIt() throws {
        let data = CLI.fixture("councils/asc_2018_19.csv")
        let byFlag = try CLI.run(["fit", data, "--formula", "asc_net_spend_k ~ imd_score", "--id", "code", "--exclude", "E0"])
        #expect(byFlag.status == 1 && byFlag.stderr == "varex: error: --exclude E0: no row has that id\n", "\(byFlag.stderr)")
        let spec = try Self.copy { spec, _ in spec = spec.replacingOccurrences(of: "exclude: [E09000001, E06000053]", with: "exclude: [E0]") }
        let withSpec = try CLI.run(["explain", "--spec", spec])
        #expect(withSpec.status == 1 && withSpec.stderr.hasSuffix("varex: error: --exclude (or the spec's exclude) E0: no row has that id\n"),
                "\(withSpec.stderr)")
        let out = try CLI.temporaryDirectory() + "/snap"
        let snapshot = try CLI.run(["snapshot", spec, "--out", out])
        #expect(snapshot.status == 1 && snapshot.stderr.hasSuffix("varex: error: the spec's exclude E0: no row has that id\n"),
                "\(snapshot.stderr)")
        let usage = try CLI.run(["index", data, "--measures", "a:+"])
        #expect(usage.status == 1 && usage.stderr.contains("(see 'varex index --help')"), "\(usage.stderr)")
    }

    @Test func flagsOverrideTheSpec() throws {
        let fromSpec = try CLI.run(["fit", "--spec", Self.spec, "--format", "json"])
        let overridden = try CLI.run(["fit", "--spec", Self.spec, "--se", "classical", "--format", "json"])
        #expect(fromSpec.status == 0 && overridden.status == 0, "\(fromSpec.stderr)")
        let spec = try JSONSerialization.jsonObject(with: Data(fromSpec.stdout.utf8)) as! [String: Any]
        let flags = try JSONSerialization.jsonObject(with: Data(overridden.stdout.utf8)) as! [String: Any]
        #expect(spec["covariance"] as? String == "HC3" && flags["covariance"] as? String == "classical")
        #expect(spec["n_dropped"] as? Int == 2, "the spec's exclusions apply to fit too")
    }

    @Test func initWritesAStarterSpecThatRuns() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLI.fixture("councils/asc_2018_19.csv"), toPath: dir + "/asc.csv")
        let r = try CLI.run(["init", "asc.csv", "--out", "analysis.yaml"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: dir + "/analysis.yaml", encoding: .utf8)
        #expect(text.contains("data: asc.csv") && text.contains("id: code"))
        #expect(text.contains("#   ascof_1a") && text.contains("number; 1 missing"))
        #expect(text.contains("#   region") && text.contains("text (9 distinct); 0 missing"))
        let fit = try CLI.run(["fit", "--spec", "analysis.yaml"], in: dir)
        #expect(fit.status == 0, "\(fit.stderr)")
    }
}

/// `varex init` writes the data path relative to the spec, as its header says, also when the
/// data lies outside the spec's folder (it wrote an absolute path): the two can move together.
struct InitRelativePathTests {
    @Test func theDataPathIsRelativeToTheSpec() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/project/analyses", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.fixture("reference/mtcars.csv"), toPath: dir + "/project/mtcars.csv")
        let r = try CLI.run(["init", "mtcars.csv", "--out", "analyses/a.yaml"], in: dir + "/project")
        #expect(r.status == 0, "\(r.stderr)")
        let spec = try String(contentsOfFile: dir + "/project/analyses/a.yaml", encoding: .utf8)
        #expect(spec.contains("\ndata: ../mtcars.csv\n"), "\(spec)")
        // The whole project moved elsewhere still runs.
        try FileManager.default.moveItem(atPath: dir + "/project", toPath: dir + "/moved")
        let fit = try CLI.run(["fit", "--spec", dir + "/moved/analyses/a.yaml", "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        // A path given with ./ and ../ is written in its shortest form.
        let same = try CLI.run(["init", "../moved/./mtcars.csv", "--out", "b.yaml"], in: dir + "/moved")
        #expect(same.status == 0)
        #expect(try String(contentsOfFile: dir + "/moved/b.yaml", encoding: .utf8).contains("\ndata: mtcars.csv\n"))
    }
}

/// A GLM and a mixed model saved as specs: `family:` and `link:` (and random-effect terms in
/// the formula) run through `fit --spec`, and `snapshot`/`verify` cover them (they ran the
/// linear model before, silently, for a spec with a family it did not know).
struct ModelKindSpecTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")

    @Test func aGLMSpecFitsAsRAndVerifies() throws {
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("""
            data: \(Self.councils)
            id: code
            formula: ascof_2a2_num ~ imd_score + I(100 * pop_85p/pop_65p) + council_type + offset(log(ascof_2a2_den))
            family: quasipoisson
            link: log
            """, named: "glm.yaml", in: dir)
        let fit = try CLI.run(["fit", "--spec", spec, "--json", "-"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as! [String: Any]
        #expect(j["kind"] as? String == "glm" && j["family"] as? String == "quasipoisson")
        let ref = try CSVReader.read(path: CLI.fixture("reference/glm_councils_quasipoisson_offset_coefficients.csv")).rows
        for (c, w) in paired(j["coefficients"] as! [[String: Any]], ref) {
            #expect(c["term"] as? String == w[0])
            for (key, k) in [("estimate", 1), ("std_error", 2)] {
                let mine = (c[key] as! NSNumber).doubleValue, theirs = Double(w[k])!
                #expect(abs(mine - theirs) <= 1e-8 * abs(theirs), "\(w[0]) \(key)")
            }
        }
        let snap = try CLI.run(["snapshot", spec, "--out", dir + "/fixture"])
        #expect(snap.status == 0, "\(snap.stderr)")
        let summary = try String(contentsOfFile: dir + "/fixture/summary.json", encoding: .utf8)
        #expect((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["kind"] as? String == "glm",
                "the snapshot is the GLM's")
        let verify = try CLI.run(["verify", spec, "--fixture", dir + "/fixture"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("verified"), "\(verify.stdout)\(verify.stderr)")
        // A changed family is a different analysis: verify fails.
        let other = try CLI.write(try String(contentsOfFile: spec, encoding: .utf8).replacingOccurrences(of: "quasipoisson", with: "poisson"),
                                  named: "other/glm.yaml", in: dir)
        let changed = try CLI.run(["verify", other, "--fixture", dir + "/fixture"])
        #expect(changed.status != 0, "\(changed.stdout)")
    }

    @Test func aMixedModelSpecSnapshotsAndVerifies() throws {
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("""
            data: \(CLI.fixture("councils/asc_panel_2014_2019.csv"))
            formula: asc_net_spend_per_adult_gbp ~ imd_score + (1 | code)
            """, named: "mixed.yaml", in: dir)
        let snap = try CLI.run(["snapshot", spec, "--out", dir + "/fixture"])
        #expect(snap.status == 0, "\(snap.stderr)")
        let summary = try String(contentsOfFile: dir + "/fixture/summary.json", encoding: .utf8)
        #expect((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["kind"] as? String == "mixed")
        let verify = try CLI.run(["verify", spec, "--fixture", dir + "/fixture"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("verified"), "\(verify.stdout)\(verify.stderr)")
    }

    /// A spec with random-effect terms, groups and a `rank:` section: snapshot writes the
    /// explanation (its amounts against R's lmer, mixed_explain_rows.csv, to 1e-6 of the
    /// largest) and the ranks, and verify passes; a GLM spec with groups and `rank:` does too
    /// (both were refused before, "explain a panel" and "rank a linear model").
    @Test func mixedAndGLMExplanationsWithRanksSnapshotAndVerify() throws {
        let dir = try CLI.temporaryDirectory()
        let mixed = try CLI.write("""
            data: \(Self.councils)
            id: code
            formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type + (1 | region)"
            justified:
              need: [imd_score, I(100 * pop_65p/pop_18p)]
              place: [(1 | region)]
            unjustified:
              type: [council_type]
            rank: {bootstrap: 100, seed: 4}
            """, named: "mixed.yaml", in: dir)
        let glm = try CLI.write("""
            data: \(Self.councils)
            id: code
            formula: "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score + council_type"
            family: binomial
            justified:
              need: [imd_score]
            unjustified:
              type: [council_type]
            rank: {bootstrap: 100, seed: 4}
            """, named: "glm.yaml", in: dir)
        for (name, spec) in [("mixed", mixed), ("glm", glm)] {
            let snap = try CLI.run(["snapshot", spec, "--out", dir + "/\(name)"])
            #expect(snap.status == 0, "\(name): \(snap.stderr)")
            for file in ["explain.json", "explain.csv", "ranks.csv"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/\(name)/\(file)"), "\(name) \(file)")
            }
            let verify = try CLI.run(["verify", spec, "--fixture", dir + "/\(name)"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("verified"), "\(name): \(verify.stdout)\(verify.stderr)")
        }
        let rows = try CLI.records(dir + "/mixed/explain.csv")
        let want = try CLI.records(CLI.fixture("reference/mixed_explain_rows.csv")).filter { $0["case"] == "place_justified" }
        let scale = want.map { abs(Double($0["unjustified"]!)!) }.max()!
        #expect(rows.count == 152 && want.count == 152)
        for (r, w) in paired(rows, want) {
            #expect(r["code"] == w["code"] && abs(Double(r["unjustified"]!)! - Double(w["unjustified"]!)!) <= 1e-6 * scale, "\(w["code"]!)")
        }
    }

    /// A GLMM spec (`family:` with random-effect terms) with groups and `rank:`: snapshot writes
    /// the GLMM's summary (kind glmm), residuals, explanation (its amounts against R's
    /// decomposition of the glmer fit, glmm_explain_rows.csv, 1e-5) and ranks, and verify passes.
    @Test func aGLMMSpecSnapshotsAndVerifies() throws {
        let dir = try CLI.temporaryDirectory()
        let spec = try CLI.write("""
            data: \(Self.councils)
            id: code
            family: poisson
            formula: "ascof_2a2_num ~ imd_score + council_type + offset(log(pop_65p)) + (1 | region)"
            justified:
              need: [imd_score]
            unjustified:
              type: [council_type]
              place: [(1 | region)]
            rank: {bootstrap: 100, seed: 4}
            """, named: "glmm.yaml", in: dir)
        let snap = try CLI.run(["snapshot", spec, "--out", dir + "/glmm"])
        #expect(snap.status == 0, "\(snap.stderr)")
        for file in ["summary.json", "residuals.csv", "explain.json", "explain.csv", "ranks.csv"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/glmm/\(file)"), "\(file)")
        }
        let summary = try String(contentsOfFile: dir + "/glmm/summary.json", encoding: .utf8)
        #expect((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["kind"] as? String == "glmm")
        let verify = try CLI.run(["verify", spec, "--fixture", dir + "/glmm"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("verified"), "\(verify.stdout)\(verify.stderr)")
        let rows = try CLI.records(dir + "/glmm/explain.csv")
        let want = try CLI.records(CLI.fixture("reference/glmm_explain_rows.csv")).filter { $0["case"] == "poisson" }
        #expect(rows.count == 152 && want.count == 152)
        for (r, w) in paired(rows, want) {
            #expect(r["code"] == w["code"] && CLI.close(Double(r["unjustified"]!)!, Double(w["unjustified"]!)!, rel: 1e-5, abs: 1e-6), "\(w["code"]!)")
        }
    }
}


/// A spec with an `index:` section: the index is built inside the analysis (its measures,
/// directions, weights, normalisation and minimum in the spec), the model is fitted to it, and
/// the fixture holds its table; checked against R (fixtures/reference/make_index_spec_reference.R:
/// the index written out from its definition, lm and HC3 by hand). Changing one weight, or one
/// cell of the data, fails `verify` with that change named first; a fixture records the Varex
/// version and every input's SHA-256.
struct IndexSpecTests {
    static let spec = CLI.fixture("specs/council-index.yaml")
    static let fixture = CLI.fixture("snapshots/council-index")

    /// The spec and its data copied to a temporary folder (the spec's relative paths kept).
    static func copy(spec edit: (String) -> String = { $0 }, data editData: (String) -> String = { $0 }) throws -> (dir: String, spec: String) {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/councils", withIntermediateDirectories: true)
        let data = try String(contentsOfFile: CLI.fixture("councils/asc_2018_19.csv"), encoding: .utf8)
        try editData(data).write(toFile: dir + "/councils/asc_2018_19.csv", atomically: true, encoding: .utf8)
        try edit(try String(contentsOfFile: Self.spec, encoding: .utf8)).write(toFile: dir + "/specs/council-index.yaml", atomically: true, encoding: .utf8)
        return (dir, dir + "/specs/council-index.yaml")
    }

    @Test func indexAndModelAgainstR() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["snapshot", Self.spec, "--out", dir + "/f"])
        #expect(r.status == 0, "\(r.stderr)")
        let index = try CLI.records(dir + "/f/index.csv"), explain = try CLI.records(dir + "/f/explain.csv")
        let ref = try CLI.records(CLI.fixture("reference/index_spec_rows.csv"))
        #expect(index.count == 152 && explain.count == 152 && ref.count == 152)
        #expect(index.filter { !($0["outcome_index"] ?? "").isEmpty }.count == ref.filter { $0["outcome_index"] != "NA" }.count)
        var compared = 0
        for ((i, e), want) in zip(zip(index, explain), ref) {
            #expect(i["code"] == want["code"] && e["code"] == want["code"])
            guard let x = Double(want["outcome_index"]!) else {
                #expect((i["outcome_index"] ?? "").isEmpty, "\(want["code"]!): no index in R")
                continue
            }
            #expect(CLI.close(Double(i["outcome_index"]!)!, x, rel: 1e-12, abs: 1e-14), "\(want["code"]!) index")
            #expect(CLI.close(Double(e["observed"]!)!, x, rel: 1e-12, abs: 1e-14), "\(want["code"]!) observed")
            #expect(CLI.close(Double(e["fitted"]!)!, Double(want["fitted"]!)!, rel: 1e-10, abs: 1e-12), "\(want["code"]!) fitted")
            compared += 1
        }
        #expect(compared == 150)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/f/summary.json"))) as! [String: Any]
        let coefficients = summary["coefficients"] as! [[String: Any]]
        let want = try CLI.records(CLI.fixture("reference/index_spec_coefficients.csv"))
        #expect(coefficients.count == want.count)
        for (c, w) in zip(coefficients, want) {
            #expect(c["term"] as? String == w["term"])
            #expect(CLI.close((c["estimate"] as! NSNumber).doubleValue, Double(w["estimate"]!)!, rel: 1e-10))
            #expect(CLI.close((c["std_error"] as! NSNumber).doubleValue, Double(w["hc3_se"]!)!, rel: 1e-9))
        }
        // The fixture records the Varex that made it and each input's SHA-256 (by coreutils).
        #expect(try String(contentsOfFile: dir + "/f/version.txt", encoding: .utf8) == "Varex \(VarexVersion.string)\n")
        let sums = try String(contentsOfFile: dir + "/f/checksums.txt", encoding: .utf8)
        #expect(sums == "\(try PublishedPageTests.sha256sum(CLI.fixture("councils/asc_2018_19.csv")))  ../councils/asc_2018_19.csv\n")
        // The shipped fixture verifies.
        let v = try CLI.run(["verify", Self.spec, "--fixture", Self.fixture])
        #expect(v.status == 0, "\(v.stdout)\(v.stderr)")
    }

    @Test func oneChangedWeightIsNamedFirst() throws {
        let (dir, spec) = try Self.copy()
        #expect(try CLI.run(["snapshot", spec, "--out", dir + "/f"]).status == 0)
        let before = try String(contentsOfFile: spec, encoding: .utf8)
        let after = before.replacingOccurrences(of: "weights: {ascof_1a: 2, ascof_3a: 2}", with: "weights: {ascof_1a: 3, ascof_3a: 2}")
        #expect(after != before)
        try after.write(toFile: spec, atomically: true, encoding: .utf8)
        let r = try CLI.run(["verify", spec, "--fixture", dir + "/f"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "SPEC CHANGED: 1 line of the spec differs from the fixture's copy:", "\(lines.prefix(3))")
        #expect(lines.count > 2 && lines[2].contains("weights: {ascof_1a: 2, ascof_3a: 2}") && lines[2].contains("weights: {ascof_1a: 3, ascof_3a: 2}"))
        let report = try Verification.verify(spec: spec, fixture: dir + "/f")
        #expect(report.dataChanged.isEmpty && report.specChanges.count == 1)
        // The index moved, and with it the ranks: the ranks come first among the differences.
        #expect(report.differences.contains { $0.file == "index.csv" && $0.column == "outcome_index" })
        #expect(report.differences.first?.kind == .rank)
        let compact = report.compactDescription()
        #expect(compact.count < 10_000 && compact.split(separator: "\n")[1].hasPrefix("spec line 11: "), "\(compact)")
    }

    @Test func oneChangedCellIsNamedFirst() throws {
        let (dir, spec) = try Self.copy()
        #expect(try CLI.run(["snapshot", spec, "--out", dir + "/f"]).status == 0)
        // Hartlepool's ASCOF 3A (overall satisfaction), 66.1 → 76.1.
        var data = try String(contentsOfFile: dir + "/councils/asc_2018_19.csv", encoding: .utf8)
        let header = data.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        let j = header.firstIndex(of: "ascof_3a")!
        var lines = data.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let k = lines.firstIndex { $0.hasPrefix("E06000001,") }!
        var cells = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(cells[j] == "66.1")
        cells[j] = "76.1"
        lines[k] = cells.joined(separator: ",")
        data = lines.joined(separator: "\n")
        try data.write(toFile: dir + "/councils/asc_2018_19.csv", atomically: true, encoding: .utf8)
        let r = try CLI.run(["verify", spec, "--fixture", dir + "/f"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("DATA CHANGED: ../councils/asc_2018_19.csv"), "\(r.stderr.prefix(200))")
        let report = try Verification.verify(spec: spec, fixture: dir + "/f")
        #expect(report.specChanges.isEmpty)
        #expect(report.dataChanges.count == 1 && report.dataChanges[0].row == "E06000001" && report.dataChanges[0].column == "ascof_3a"
                && report.dataChanges[0].expected == "66.1" && report.dataChanges[0].got == "76.1")
        #expect(report.differences.contains { $0.file == "index.csv" && $0.row == "E06000001" && $0.column == "outcome_index" })
        let compact = report.compactDescription()
        #expect(compact.split(separator: "\n")[1] == "DATA CHANGED: ../councils/asc_2018_19.csv")
        #expect(compact.split(separator: "\n")[2].hasPrefix("data ../councils/asc_2018_19.csv E06000001 ascof_3a: "), "\(compact)")
        #expect(compact.count < 10_000)
    }

    /// The index section's errors name the key and line; an unquoted minus (YAML's list marker) says to quote it.
    @Test(arguments: [
        ("  measures: {ascof_1a: +, ascof_1b: +, ascof_3a: +, ascof_2a2: \"-\"}", "  measures: {ascof_1a: up}", "index.measures.ascof_1a"),
        ("  weights: {ascof_1a: 2, ascof_3a: 2}", "  weights: {ascof_1a: -2}", "index.weights.ascof_1a"),
        ("  normalisation: z", "  normalisation: zscore", "index.normalisation"),
        ("  min_measures: 3", "  min_measures: 0", "index.min_measures"),
    ])
    func badIndexSectionsNameTheKey(_ change: (String, String, String)) throws {
        let (_, spec) = try Self.copy(spec: { $0.replacingOccurrences(of: change.0, with: change.1) })
        let r = try CLI.run(["explain", "--spec", spec])
        #expect(r.status != 0)
        #expect(r.stderr.contains(change.2), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count <= 2)
    }

    /// `report: columns:` names columns of the report's table: an unknown one is one line naming it.
    @Test func unknownReportColumnIsNamed() throws {
        let (dir, spec) = try Self.copy(spec: { $0.replacingOccurrences(of: "  title: Adult social care outcomes against need, English councils, 2018-19",
                                                                       with: "  title: Outcomes\n  columns: [rank, name, unjustified_gbp]") })
        let r = try CLI.run(["report", "--spec", spec, "--bootstrap", "20", "--html", dir + "/r.html"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("report.columns: 'unjustified_gbp' is not a column of the report's table"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/r.html"))
    }

    /// The report of the spec: the index's definition in its notes.
    @Test func reportNotesDefineTheIndex() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--spec", Self.spec, "--bootstrap", "50", "--html", dir + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        let notes = String(html[html.range(of: "<section id=\"notes\">")!.lowerBound...])
        #expect(notes.contains("Index outcome_index: the weighted mean of 4 measures, each measure standardised (z-scores over the councils kept), "
                               + "signed so that higher is better: ascof_1a (higher is better, weight 0.333); ascof_1b (higher is better, weight 0.167); "
                               + "ascof_3a (higher is better, weight 0.333); ascof_2a2 (lower is better, weight 0.167)."), "\(notes.prefix(3000))")
        #expect(notes.contains("Index sensitivity: 200 draws of the weights (Dirichlet, spread 0.2) with each measure&#39;s sampling error, seed 11.")
                || notes.contains("Index sensitivity: 200 draws of the weights (Dirichlet, spread 0.2) with each measure's sampling error, seed 11."))
    }
}
