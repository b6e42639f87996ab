/// The outputs of a saved analysis, as files: what `varex snapshot` writes and `varex verify`
/// compares. Names: `spec.yaml`, `checksums.txt`, `summary.json`, `residuals.csv`, and with
/// groups `explain.json` and `explain.csv`, and with a `rank:` section `ranks.csv`.
public struct Snapshot: Sendable {
    /// File name → contents, in a fixed order.
    public let files: [(name: String, contents: String)]
    /// Data file (as named in the spec) → SHA-256.
    public let checksums: [(file: String, sha256: String)]

    /// Runs the analysis a spec describes and renders every output.
    public init(spec: AnalysisSpec, specText: String) throws {
        let fit = try FitAnalysis(try FitRequest(spec: spec), excluding: spec.exclude)
        var files: [(String, String)] = [("spec.yaml", specText)]
        var sums: [(String, String)] = []
        for name in [spec.data!] + spec.join {
            sums.append((name, try Checksum.sha256(path: spec.resolve(name))))
        }
        files.append(("checksums.txt", sums.map { "\($0.1)  \($0.0)" }.joined(separator: "\n") + "\n"))
        files.append(("summary.json", JSONSummary.render(fit.summary)))
        files.append(("residuals.csv", CSVWriter.render(fit.residuals)))
        if !spec.groups.isEmpty {
            let explain = try ExplainAnalysis(try ExplainRequest(spec: spec))
            files.append(("explain.json", ExplainSummary.json(explain)))
            files.append(("explain.csv", CSVWriter.render(explain.output)))
            if let replicates = spec.rank.bootstrap {
                let resampling = Resampling(rawValue: spec.rank.resample ?? "cases") ?? .cases
                let boot = try RankBootstrap(analysis: explain, replicates: replicates,
                                             seed: UInt64(truncatingIfNeeded: spec.rank.seed ?? 1), resampling: resampling)
                files.append(("ranks.csv", CSVWriter.render(RankTable.make(analysis: explain, bootstrap: boot, level: explain.request.fit.level))))
            }
        }
        self.files = files
        self.checksums = sums
    }

    /// Reads a spec file and runs it.
    public init(specPath: String) throws {
        let spec = try AnalysisSpec(contentsOf: specPath)
        try self.init(spec: spec, specText: String(decoding: try FileBytes.read(path: specPath), as: UTF8.self))
    }
}
