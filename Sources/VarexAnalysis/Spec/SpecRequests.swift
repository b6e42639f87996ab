import Varex
import VarexLinearAlgebra

/// Requests built from a spec (after any command-line flags have been written into it).
extension FitRequest {
    public init(spec: AnalysisSpec) throws {
        guard let data = spec.data else { throw SpecError.missingKey(path: spec.path, key: "data") }
        guard let formula = spec.formula else { throw SpecError.missingKey(path: spec.path, key: "formula") }
        self.init(dataPath: spec.resolve(data), formula: formula, id: spec.id, weights: spec.weights, covariance: spec.se ?? .classical,
                  level: spec.level ?? 0.95, references: spec.reference, tolerance: spec.tol ?? QRFactorization.defaultTolerance,
                  joins: spec.join.map { spec.resolve($0) }, exclude: spec.exclude, label: spec.label, keep: spec.keep)
        clusters = spec.cluster
        absorb = spec.absorb
        clusterTestDF = spec.clusterDF ?? .clusters
        subset = spec.subset
        index = spec.index
        // Clustering columns imply CR1 unless the spec says CR0.
        if !clusters.isEmpty && !covariance.isClustered { covariance = spec.se == nil ? .cr1 : covariance }
    }
}

extension ExplainRequest {
    public init(spec: AnalysisSpec) throws {
        self.init(fit: try FitRequest(spec: spec), groups: spec.groups, scale: spec.scale, higherIsBetter: spec.higherIs == .better)
        rankOrder = spec.rankOrder ?? .worstFirst
    }
}

extension AnalysisSpec {
    /// An empty spec (everything from the command line).
    public init(path: String = "") {
        self.path = path
    }
}

/// Bootstrap settings from the command line, then the spec's `rank:` section, then the defaults
/// (1000 replicates, seed 1, cases): one reading for `rank`, `report` and `snapshot`/`verify`.
public struct BootstrapSettings: Sendable, Equatable {
    public let replicates: Int
    public let seed: UInt64
    public let resampling: Resampling

    /// The replicates a run may ask for: at least 2 (an interval needs a spread), at most
    /// ``RankBootstrap/maximumReplicates``.
    public static let replicateRange = 2...RankBootstrap.maximumReplicates

    public init(replicates: Int? = nil, seed: UInt64? = nil, resampling: Resampling? = nil, spec: AnalysisSpec? = nil) throws {
        self.replicates = replicates ?? spec?.rank.bootstrap ?? 1000
        guard Self.replicateRange.contains(self.replicates) else {
            throw RequestError.invalidReplicates(self.replicates, range: Self.replicateRange)
        }
        self.seed = seed ?? spec?.rank.seed.map { UInt64($0) } ?? 1
        self.resampling = resampling ?? spec?.rank.resample ?? .cases
    }
}
