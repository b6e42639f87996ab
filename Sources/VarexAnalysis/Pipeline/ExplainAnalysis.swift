import Varex
import VarexLinearAlgebra

/// What `varex explain` is asked to do: a model run and how to divide it.
public struct ExplainRequest: Sendable {
    public var fit: FitRequest
    /// The groups of terms, justified or not; every term in exactly one.
    public var groups: [TermGroup]
    /// A column that turns the per-head response into totals (e.g. the adult population).
    public var scale: String?
    /// Whether higher values of the response are better (outcomes) rather than worse (spend).
    public var higherIsBetter: Bool
    /// The directions the user expects of terms (`imd_score:+`); one running against its
    /// expectation is warned of (``JustifiedGroupCheck``).
    public var expectations: [TermExpectation] = []
    /// Whether rank 1 is the worst unit (the largest unjustified spend; the default) or the best.
    public var rankOrder: RankOrder = .worstFirst

    /// The direction every ranking takes, as the ranking functions want it: whether rank 1 is
    /// the smallest value (the best when higher is worse, with ``rankOrder`` best first).
    public var rankingHigherIsBetter: Bool { rankOrder == .worstFirst ? higherIsBetter : !higherIsBetter }

    /// `joins`, `exclude` and `label` are the model run's (they are written into `fit`).
    public init(fit: FitRequest, joins: [String] = [], exclude: [String] = [], label: String? = nil,
                groups: [TermGroup], scale: String? = nil, higherIsBetter: Bool = false) {
        var fit = fit
        if !joins.isEmpty { fit.joins = joins }
        if !exclude.isEmpty { fit.exclude = exclude }
        if let label { fit.label = label }
        self.fit = fit
        self.groups = groups
        self.scale = scale
        self.higherIsBetter = higherIsBetter
    }

    public var label: String? { fit.label }

    /// The same model with each absorbed factor entered as `factor(F)` (its dummy columns)
    /// instead, in the group that named it: `lm` with the dummies is the model the absorbed fit
    /// computes without them, so its explanation is the same, and `rank` and `report` refit it
    /// as they refit any linear model.
    public func absorbedAsDummies() -> ExplainRequest {
        guard !fit.absorb.isEmpty else { return self }
        var r = self
        r.fit = fit.absorbedAsDummies()
        let dummies = Dictionary(uniqueKeysWithValues: fit.absorb.map { ($0, FitRequest.dummyTerm($0)) })
        r.groups = groups.map { g in TermGroup(name: g.name, justified: g.justified, terms: g.terms.map { dummies[$0] ?? $0 }) }
        return r
    }
}

/// Reads, joins, fits and decomposes: the whole `varex explain` run.
public struct ExplainAnalysis: Sendable {
    public let request: ExplainRequest
    public let run: ModelRun
    public let summary: FitSummary
    public let decomposition: Decomposition
    public let shares: ShapleyShares
    /// Per group, the joint Wald F test of its terms with the chosen standard errors.
    public let groupTests: [WaldTest]
    public let responseScale: ResponseScale
    /// Set for a log response: the decomposition on the original scale.
    public let retransformed: Retransformation?
    /// The scale value of each row used (nil without --scale).
    public let scaleValues: [Double]?
    /// The typed per-row results (rows the fit used).
    public let rows: ExplainRows
    /// The rows excluded on request, decomposed out of sample.
    public let outOfSample: ExplainOutOfSample
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]

    public var table: Table { run.table }
    public var fit: LinearFit { run.fit }
    public var ids: RowIDs { run.ids }
    public var joinReports: [JoinReport] { run.joinReports }

    public init(_ request: ExplainRequest, table preloaded: Table? = nil) throws {
        self.request = request
        let f = request.fit
        // The groups are checked against the formula before any file is read, unless the
        // formula's `.` needs the data's columns first.
        let early: TermGrouping?
        do { early = try TermGrouping(groups: request.groups, formula: try Formula(f.formula), absorbed: f.absorb) } catch FormulaError.dotNeedsData {
            early = nil
        }
        let run = try ModelRun(f, table: preloaded)
        let grouping = try early ?? TermGrouping(groups: request.groups, formula: run.formula, absorbed: f.absorb)
        let fit = run.fit, table = run.table, formula = run.formula
        self.run = run
        summary = try FitSummary(fit: fit, covariance: f.covariance, level: f.level)
        decomposition = try Decomposition(fit: fit, grouping: grouping)
        shares = try ShapleyShares(fit: fit, grouping: grouping)
        groupTests = try fit.groupTests(grouping, covariance: f.covariance)
        responseScale = try ResponseScale(response: formula.variables[formula.response!])
        if case let .logarithm(base) = responseScale {
            retransformed = Retransformation(decomposition, base: base, weights: fit.weights)
        } else {
            retransformed = nil
        }
        scaleValues = try request.scale.map { try Self.scaleValues(table: table, column: $0, rows: fit.design.rows) }
        rows = try ExplainRows(fit: fit, decomposition: decomposition, retransformed: retransformed, scale: scaleValues,
                               higherIsBetter: request.rankingHigherIsBetter, level: f.level)
        outOfSample = try ExplainOutOfSample(run: run, decomposition: decomposition, retransformed: retransformed, scale: request.scale)
        justifiedWarnings = try request.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: fit.design,
                                                          coefficients: summary.coefficients)
    }

    /// The `--scale` column's values at `rows`: each present, numeric and positive.
    static func scaleValues(table: Table, column scale: String, rows: [Int]) throws -> [Double] {
        let c = try table.column(scale)
        return try rows.map { r in
            if c.isMissing[r] { throw ExplainError.scaleMissing(table.location(row: r, column: scale)) }
            if c.kind == .text || !(c.values[r] > 0) || c.values[r].isInfinite {
                throw ExplainError.scaleNotPositive(table.location(row: r, column: scale), text: c.cells[r])
            }
            return Double(c.values[r])
        }
    }

    /// Per table row: "" for a row the fit used, "left out: <reason>" for the others, and
    /// "out of sample: excluded" (or "outside the subset") for the rows left out on request decomposed out of sample.
    public var notes: [String] {
        var out = [String](repeating: "", count: run.ids.count)
        var why = [Int: String]()
        for d in fit.design.dropped { out[d.row] = "left out: " + d.reason; why[d.row] = d.reason }
        for r in outOfSample.rows { out[r] = OutOfSample.note(nil, why: why[r]) }
        for (r, reason) in outOfSample.notes { out[r] = OutOfSample.note(reason, why: why[r]) }
        return out
    }

    /// The label of each table row: the label column, or the id.
    public var displayNames: [String] { run.labels ?? Array(run.ids) }

    /// The per-head unjustified value of each row used (original scale for a log response).
    public var unjustified: [Double] { rows.unjustified }

    /// Totals of positive and negative unjustified amounts (× scale), when a scale is given.
    public var unjustifiedTotals: (positive: Double, negative: Double, above: Int, below: Int)? {
        scaleValues.map { Self.totals(unjustified: unjustified, scale: $0) }
    }

    /// The unjustified amounts × the scale, summed above and below zero, with the counts of each.
    public static func totals(unjustified: [Double], scale: [Double]) -> (positive: Double, negative: Double, above: Int, below: Int) {
        var pos = 0.0, neg = 0.0, above = 0, below = 0
        for (u, s) in zip(unjustified, scale) {
            if u > 0 { pos += u * s; above += 1 } else if u < 0 { neg += u * s; below += 1 }
        }
        return (pos, neg, above, below)
    }
}
