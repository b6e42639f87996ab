import VarexLinearAlgebra

/// What `varex explain` is asked to do.
public struct ExplainRequest: Sendable {
    public var fit: FitRequest
    /// Other CSV files whose columns are added by the id column.
    public var joins: [String]
    /// Ids of rows to leave out of the fit (kept in the table with a note).
    public var exclude: [String]
    /// A column shown beside the id (a council's name).
    public var label: String?
    /// The groups of terms, justified or not; every term in exactly one.
    public var groups: [TermGroup]
    /// A column that turns the per-head response into totals (e.g. the adult population).
    public var scale: String?
    /// Whether higher values of the response are better (outcomes) rather than worse (spend).
    public var higherIsBetter: Bool

    public init(fit: FitRequest, joins: [String] = [], exclude: [String] = [], label: String? = nil,
                groups: [TermGroup], scale: String? = nil, higherIsBetter: Bool = false) {
        self.fit = fit
        self.joins = joins
        self.exclude = exclude
        self.label = label
        self.groups = groups
        self.scale = scale
        self.higherIsBetter = higherIsBetter
    }
}

/// Reads, joins, fits and decomposes: the whole `varex explain` run.
public struct ExplainAnalysis: Sendable {
    public let request: ExplainRequest
    public let table: Table
    public let joinReports: [JoinReport]
    public let fit: LinearFit
    public let summary: FitSummary
    public let decomposition: Decomposition
    public let shares: ShapleyShares
    public let responseScale: ResponseScale
    /// Set for a log response: the decomposition on the original scale.
    public let retransformed: Retransformation?
    /// The scale value of each row used (nil without --scale).
    public let scaleValues: [Double]?
    public let ids: [String]
    /// The per-row table (every input row, in input order).
    public let output: OutputTable

    public init(_ request: ExplainRequest, table preloaded: Table? = nil) throws {
        self.request = request
        let f = request.fit
        guard f.level > 0, f.level < 1 else { throw RequestError.invalidLevel(f.level) }
        let formula = try Formula(f.formula)
        let grouping = try TermGrouping(groups: request.groups, formula: formula)
        var table = try preloaded ?? Table(contentsOf: f.dataPath)
        var reports: [JoinReport] = []
        if !request.joins.isEmpty {
            guard let key = f.id else { throw RequestError.joinNeedsID }
            (table, reports) = try table.joined(withFiles: request.joins, on: key)
        }
        let ids = try ResidualTable.ids(table: table, column: f.id)
        let excluded = try FitAnalysis.excludedRows(ids: ids, exclude: request.exclude)
        let design = try DesignMatrix(formula: formula, table: table,
                                      options: DesignOptions(references: f.references, weights: f.weights, excluded: excluded))
        let fit = try LinearModel.fit(design, tolerance: f.tolerance)
        self.table = table
        self.joinReports = reports
        self.fit = fit
        self.ids = ids
        summary = try FitSummary(fit: fit, covariance: f.covariance, level: f.level)
        decomposition = try Decomposition(fit: fit, grouping: grouping)
        shares = try ShapleyShares(fit: fit, grouping: grouping)
        responseScale = try ResponseScale(response: formula.variables[formula.response!])
        if case let .logarithm(base) = responseScale {
            retransformed = Retransformation(decomposition, base: base, weights: fit.weights)
        } else {
            retransformed = nil
        }
        if let scale = request.scale {
            let c = try table.column(scale)
            var values: [Double] = []
            for r in design.rows {
                if c.isMissing[r] { throw ExplainError.scaleMissing(table.location(row: r, column: scale)) }
                if c.kind == .text || !(c.values[r] > 0) || c.values[r].isInfinite {
                    throw ExplainError.scaleNotPositive(table.location(row: r, column: scale), text: c.cells[r])
                }
                values.append(Double(c.values[r]))
            }
            scaleValues = values
        } else {
            scaleValues = nil
        }
        let labels = try request.label.map { try table.column($0).cells }
        output = try ExplainTable.make(fit: fit, decomposition: decomposition, retransformed: retransformed,
                                       scale: scaleValues, ids: ids, idName: f.id ?? "id", labels: labels,
                                       labelName: request.label, higherIsBetter: request.higherIsBetter, level: f.level)
    }

    /// The per-head unjustified value of each row used (original scale for a log response).
    public var unjustified: [Double] { retransformed?.unjustified ?? decomposition.unjustified }

    /// Totals of positive and negative unjustified amounts (× scale), when a scale is given.
    public var unjustifiedTotals: (positive: Double, negative: Double, above: Int, below: Int)? {
        guard let scaleValues else { return nil }
        var pos = 0.0, neg = 0.0, above = 0, below = 0
        for (u, s) in zip(unjustified, scaleValues) {
            if u > 0 { pos += u * s; above += 1 } else if u < 0 { neg += u * s; below += 1 }
        }
        return (pos, neg, above, below)
    }
}
