import VarexLinearAlgebra

/// What `varex fit` is asked to do, independent of the command line.
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

    public init(dataPath: String, formula: String, id: String? = nil, weights: String? = nil,
                covariance: CovarianceType = .classical, level: Double = 0.95,
                references: [String: String] = [:], tolerance: Double = QRFactorization.defaultTolerance,
                joins: [String] = []) {
        self.joins = joins
        self.dataPath = dataPath
        self.formula = formula
        self.id = id
        self.weights = weights
        self.covariance = covariance
        self.level = level
        self.references = references
        self.tolerance = tolerance
    }
}

/// Errors in the request itself (as opposed to the data or the model).
public enum RequestError: VarexError, Equatable {
    case invalidLevel(Double)
    case invalidReference(String)
    case invalidTolerance(Double)
    case joinNeedsID
    case invalidReplicates(Int, range: ClosedRange<Int>)

    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self {
        case let .invalidLevel(l): return "--level \(l): the confidence level must lie strictly between 0 and 1"
        case let .invalidReference(r): return "--reference \(r): write it as VARIABLE=LEVEL"
        case let .invalidTolerance(t): return "--tol \(t): the tolerance must lie strictly between 0 and 1"
        case .joinNeedsID: return "--join needs --id: the column both files share (e.g. --id code)"
        case let .invalidReplicates(n, range):
            return "\(n) bootstrap replicates: ask for \(range.lowerBound) to \(range.upperBound)"
        }
    }
}

/// The whole `fit` pipeline, CSV to results: table, formula, design, fit, summary, residual table.
public struct FitAnalysis: Sendable {
    public let table: Table
    public let fit: LinearFit
    public let summary: FitSummary
    public let residuals: OutputTable

    /// Runs the request; rows whose id is in `excluding` are left out of the fit with a note.
    public init(_ request: FitRequest, excluding: [String] = []) throws {
        guard request.level > 0, request.level < 1 else { throw RequestError.invalidLevel(request.level) }
        guard request.tolerance > 0, request.tolerance < 1 else { throw RequestError.invalidTolerance(request.tolerance) }
        let formula = try Formula(request.formula)
        var table = try Table(contentsOf: request.dataPath)
        if !request.joins.isEmpty {
            guard let key = request.id else { throw RequestError.joinNeedsID }
            table = try table.joined(withFiles: request.joins, on: key).table
        }
        let ids = try ResidualTable.ids(table: table, column: request.id)
        let excluded = try Self.excludedRows(ids: ids, exclude: excluding)
        let design = try DesignMatrix(formula: formula, table: table,
                                      options: DesignOptions(references: request.references, weights: request.weights, excluded: excluded))
        let fit = try LinearModel.fit(design, tolerance: request.tolerance)
        self.table = table
        self.fit = fit
        self.summary = try FitSummary(fit: fit, covariance: request.covariance, level: request.level)
        self.residuals = try ResidualTable.make(fit: fit, ids: ids, idName: request.id ?? "id", level: request.level)
    }

    /// The rows to leave out for `--exclude` ids, with the reason; an unknown id is an error.
    static func excludedRows(ids: [String], exclude: [String]) throws -> [Int: String] {
        var rows: [Int: String] = [:]
        for id in exclude {
            guard let row = ids.firstIndex(of: id) else { throw ExplainError.unknownExcludedID(id) }
            rows[row] = "excluded by --exclude"
        }
        return rows
    }

    /// Parses `VARIABLE=LEVEL` pairs.
    public static func parseReferences(_ items: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw RequestError.invalidReference(item)
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }
}
