import Varex
/// The outputs of a saved analysis, as files: what `varex snapshot` writes and `varex verify`
/// compares (with `version.txt`, the Varex that made it, and with an `index:` section `index.csv`,
/// the index and its ranks): for any kind of model the spec describes (a linear model, a GLM with `family:`,
/// a mixed model with random-effect terms, a GLMM with both), with groups its explanation and with a `rank:`
/// section its ranks. Names: `spec.yaml`, `checksums.txt`, `summary.json`, `residuals.csv`, and with
/// groups `explain.json` and `explain.csv`, and with a `rank:` section `ranks.csv`; and a copy of
/// each data file, `input-<k>-<name>` (the data first, then the joins), so that `verify` can say
/// which rows and columns of changed data differ.
public struct Snapshot: Sendable {
    /// File name → contents, in a fixed order.
    public let files: [(name: String, contents: String)]
    /// Data file (as named in the spec) → SHA-256.
    public let checksums: [(file: String, sha256: String)]

    /// Runs the analysis a spec describes and renders every output.
    public init(spec: AnalysisSpec, specText: String) throws {
        if spec.panel != nil || spec.time != nil {
            throw SpecError.notForCommand(path: spec.path, key: "panel", command: "snapshot and verify",
                                          instead: "run varex explain --spec with it")
        }
        let request = try FitRequest(spec: spec)
        var files: [(String, String)] = [("spec.yaml", specText)]
        var sums: [(String, String)] = []
        var inputs: [(String, String)] = []
        for (k, name) in ([spec.data!] + spec.join).enumerated() {
            let bytes = try FileBytes.read(path: spec.resolve(name))
            sums.append((name, Checksum.sha256(bytes: bytes)))
            inputs.append((Self.inputName(k, name), String(decoding: bytes, as: UTF8.self)))
        }
        files.append(("checksums.txt", sums.map { "\($0.1)  \($0.0)" }.joined(separator: "\n") + "\n"))
        files.append((Self.versionFile, Publication.madeBy + "\n"))
        if let index = spec.index {
            let loaded = try DataInput(path: request.dataPath, joins: request.joins, id: request.id, exclude: request.exclude,
                                       subset: request.subset).read()
            files.append(("index.csv", CSVWriter.render(try index.table(loaded, id: request.id, label: request.label).table)))
        }
        let kind = request.kind(family: spec.family, link: spec.link)
        if kind == .glmm, let family = spec.family {
            let glmm = try GLMMAnalysis(request, family: family, link: spec.link)
            files.append(("summary.json", try GLMMSummary.json(glmm)))
            files.append(("residuals.csv", CSVWriter.render(glmm.residuals())))
            if !spec.groups.isEmpty {
                let explain = try GLMMExplainAnalysis(try ExplainRequest(spec: spec), family: family, link: spec.link)
                files.append(("explain.json", try GLMMExplainSummary.json(explain)))
                files.append(("explain.csv", CSVWriter.render(explain.output)))
                if spec.rank.bootstrap != nil {
                    let settings = try BootstrapSettings(spec: spec)
                    let boot = try RankBootstrap(glmm: explain.glmm.fit, decomposition: explain.decomposition,
                                                 higherIsBetter: explain.request.rankingHigherIsBetter, replicates: settings.replicates, seed: settings.seed)
                    files.append(("ranks.csv", CSVWriter.render(RankTable.make(glmm: explain, bootstrap: boot, level: explain.request.fit.level))))
                }
            }
            self.files = files + inputs
            self.checksums = sums
            return
        }
        if let family = spec.family, kind != .mixed {
            let glm = try GLMAnalysis(request, family: family, link: spec.link)
            files.append(("summary.json", try GLMSummary.json(glm)))
            files.append(("residuals.csv", CSVWriter.render(try glm.residuals())))
            if !spec.groups.isEmpty {
                let explain = try GLMExplainAnalysis(try ExplainRequest(spec: spec), family: family, link: spec.link)
                files.append(("explain.json", try GLMSummary.explainJSON(explain)))
                files.append(("explain.csv", CSVWriter.render(explain.output)))
                if spec.rank.bootstrap != nil {
                    let settings = try BootstrapSettings(spec: spec)
                    let boot = try RankBootstrap(glm: explain.glm.fit, decomposition: explain.decomposition,
                                                 higherIsBetter: explain.request.rankingHigherIsBetter, replicates: settings.replicates, seed: settings.seed)
                    files.append(("ranks.csv", CSVWriter.render(RankTable.make(glm: explain, bootstrap: boot, level: explain.request.fit.level))))
                }
            }
            self.files = files + inputs
            self.checksums = sums
            return
        }
        if kind == .mixed {
            let mixed = try MixedAnalysis(request)
            files.append(("summary.json", try MixedSummary.json(mixed)))
            files.append(("residuals.csv", CSVWriter.render(mixed.residuals())))
            if !spec.groups.isEmpty {
                let explain = try MixedExplainAnalysis(try ExplainRequest(spec: spec))
                files.append(("explain.json", try MixedExplainSummary.json(explain)))
                files.append(("explain.csv", CSVWriter.render(explain.output)))
                if spec.rank.bootstrap != nil {
                    let settings = try BootstrapSettings(spec: spec)
                    let boot = try RankBootstrap(mixed: explain.mixed.fit, decomposition: explain.decomposition,
                                                 higherIsBetter: explain.request.rankingHigherIsBetter, replicates: settings.replicates, seed: settings.seed)
                    files.append(("ranks.csv", CSVWriter.render(RankTable.make(mixed: explain, bootstrap: boot, level: explain.request.fit.level))))
                }
            }
            self.files = files + inputs
            self.checksums = sums
            return
        }
        let fit = try FitAnalysis(request)
        files.append(("summary.json", try JSONSummary.render(fit.summary)))
        files.append(("residuals.csv", CSVWriter.render(try fit.residuals())))
        if !spec.groups.isEmpty {
            let explain = try ExplainAnalysis(try ExplainRequest(spec: spec))
            files.append(("explain.json", try ExplainSummary.json(explain)))
            files.append(("explain.csv", CSVWriter.render(explain.output)))
            if spec.rank.bootstrap != nil {
                let settings = try BootstrapSettings(spec: spec)
                let boot = try RankBootstrap(analysis: explain, replicates: settings.replicates, seed: settings.seed,
                                             resampling: settings.resampling)
                files.append(("ranks.csv", CSVWriter.render(RankTable.make(analysis: explain, bootstrap: boot, level: explain.request.fit.level))))
            }
        }
        self.files = files + inputs
        self.checksums = sums
    }

    /// The file recording which Varex made the fixture ("Varex 0.1.0").
    public static let versionFile = "version.txt"

    /// The fixture's name for the copy of data file k: `input-<k+1>-<file name>`.
    public static func inputName(_ k: Int, _ path: String) -> String {
        "input-\(k + 1)-" + (path.split(separator: "/").last.map(String.init) ?? path)
    }

    /// Reads a spec file and runs it.
    public init(specPath: String) throws {
        let spec = try AnalysisSpec(contentsOf: specPath)
        try self.init(spec: spec, specText: String(decoding: try FileBytes.read(path: specPath), as: UTF8.self))
    }
}
