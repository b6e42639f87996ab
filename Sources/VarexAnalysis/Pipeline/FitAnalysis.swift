import Varex
import VarexLinearAlgebra

/// What a model run is asked to do, independent of the command line: the data and what joins
/// it, which rows to leave out, the model, and how to report it.
public struct FitRequest: Sendable {
    public var dataPath: String
    public var formula: String
    public var id: String?
    public var weights: String?
    public var covariance: CovarianceType
    public var level: Double
    public var references: [String: String]
    public var tolerance: Double
    /// Other CSV files whose columns are added by the id column before fitting.
    public var joins: [String]
    /// Ids of rows to leave out of the fit (they stay in the tables, with a note).
    public var exclude: [String]
    /// A column shown beside the id (a council's name).
    public var label: String?
    /// Input columns carried into the per-row tables, as `broom::augment(model, data = d)` does.
    public var keep: [String]
    /// Columns that cluster the rows, for CR0/CR1 standard errors (one, or two for two-way).
    public var clusters: [String] = []
    /// Factors whose fixed effects are absorbed (`--absorb`): one, or two.
    public var absorb: [String] = []
    /// The denominator df of tests with a clustered covariance (`--cluster-df`).
    public var clusterTestDF: ClusterTestDF = .clusters
    /// A row condition (R's `subset`): rows where it is not TRUE are left out of the fit and
    /// stay in the per-row tables with a note.
    public var subset: String? = nil

    public init(dataPath: String, formula: String, id: String? = nil, weights: String? = nil,
                covariance: CovarianceType = .classical, level: Double = 0.95,
                references: [String: String] = [:], tolerance: Double = QRFactorization.defaultTolerance,
                joins: [String] = [], exclude: [String] = [], label: String? = nil, keep: [String] = []) {
        self.joins = joins
        self.dataPath = dataPath
        self.formula = formula
        self.id = id
        self.weights = weights
        self.covariance = covariance
        self.level = level
        self.references = references
        self.tolerance = tolerance
        self.exclude = exclude
        self.label = label
        self.keep = keep
    }
}

/// Errors in the request itself (as opposed to the data or the model).
public enum RequestError: SettingMessage, Equatable {
    case invalidLevel(Double)
    case invalidReference(String)
    case invalidTolerance(Double)
    case joinNeedsID
    case invalidReplicates(Int, range: ClosedRange<Int>)
    /// Prediction-variance weights with a saved GLM (its predictions have no σ²/w term).
    case predictionWeightsWithGLM

    public var exitCode: Int32 { 1 }
    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .invalidLevel(l): return "\(names.name(.level)) \(l): the confidence level must lie strictly between 0 and 1"
        case let .invalidReference(r): return "\(names.name(.reference)) \(r): write it as VARIABLE=LEVEL"
        case let .invalidTolerance(t): return "\(names.name(.tolerance)) \(t): the tolerance must lie strictly between 0 and 1"
        case .joinNeedsID:
            return "\(names.name(.join)) needs \(names.name(.id)): the column both files share (e.g. \(names.name(.id)) code)"
        case .predictionWeightsWithGLM:
            return "prediction weights are for a linear model's prediction intervals; a GLM's predictions have confidence intervals only"
        case let .invalidReplicates(n, range):
            return "\(n) bootstrap replicates: ask for \(range.lowerBound) to \(range.upperBound)"
        }
    }
}

/// The whole `fit` pipeline, CSV to results: a model run and its summary (the residual table is
/// written from them, `FitAnalysis.residuals`).
public struct FitAnalysis: Sendable {
    public let run: ModelRun
    public let summary: FitSummary

    public var table: Table { run.table }
    public var fit: LinearFit { run.fit }
    public var joinReports: [JoinReport] { run.joinReports }

    /// Runs the model; `anova` adds the sequential and Type II tables to the summary.
    public init(_ request: FitRequest, anova: Bool = false) throws {
        run = try ModelRun(request)
        summary = try FitSummary(fit: run.fit, covariance: request.covariance, level: request.level, anova: anova)
    }

    /// Parses `VARIABLE=LEVEL` pairs.
    public static func parseReferences(_ items: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let (name, level) = NameValue.split(item) else { throw RequestError.invalidReference(item) }
            out[name] = level
        }
        return out
    }
}
