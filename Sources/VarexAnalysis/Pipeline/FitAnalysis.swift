import Varex
import VarexLinearAlgebra


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
