import Varex
import VarexLinearAlgebra

/// What a panel explanation needs beyond an explain request: the unit and period columns and
/// the draws for the rank intervals.
public struct PanelRequest: Sendable {
    public var explain: ExplainRequest
    /// The column naming the unit (the council's code).
    public var panel: String
    /// The column naming the period (the financial year).
    public var time: String
    public var draws: Int
    public var seed: UInt64
    /// Replicates of the parametric bootstrap of the persistent effects' intervals (nil: none).
    public var persistentBootstrap: Int?

    public init(explain: ExplainRequest, panel: String, time: String, draws: Int = 1000, seed: UInt64 = 1, persistentBootstrap: Int? = nil) {
        self.explain = explain
        self.panel = panel
        self.time = time
        self.draws = draws
        self.seed = seed
        self.persistentBootstrap = persistentBootstrap
    }
}

/// `varex explain --panel UNIT --time PERIOD`: the formula's fixed effects plus a random
/// intercept per unit, fitted by REML; each unit-period split into baseline, group effects,
/// the unit's persistent effect and the period's transient residual; per unit its persistent
/// effect with interval and rank interval, its periods above and below its justified level,
/// its trend and its single-period ranks; and the between-unit share of the unexplained
/// variation with a profile-likelihood interval.
public struct PanelAnalysis: PanelExplanation {
    public let request: PanelRequest
    public let data: ModelData
    public let fit: LinearMixedFit
    public let satterthwaite: Satterthwaite
    public let decomposition: PanelDecomposition
    public let units: PanelUnits
    public let ranks: PersistentRanks
    public let share: BetweenShare
    /// The scale of each row used, with `--scale`.
    public let scaleValues: [Double]?
    /// The label of each unit (the label column's value in its first row, or the unit).
    public let unitLabels: [String]
    /// The groups' Shapley shares of the fixed part's marginal R².
    public let shares: PanelShares
    /// Per group, the joint F test of its coefficients with Satterthwaite's df (lmerTest's
    /// `contest(fit, L, joint = TRUE)`).
    public let groupTests: [ContrastFTest]
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]
    /// With `persistentBootstrap`: intervals that carry the fixed effects' and variance
    /// components' uncertainty as well as the conditional SD.
    public let bootstrap: PersistentBootstrap?

    /// An absorbed factor (`--absorb`) enters the fixed part as its dummies, in the group that
    /// named it (``ExplainRequest/absorbedAsDummies()``).
    public init(_ request: PanelRequest) throws {
        let (request, fitRequest) = try request.prepared()
        self.request = request
        let e = request.explain
        data = try ModelData(fitRequest, randomEffects: true, unit: request.panel)
        let table = data.table
        let periodColumn = try request.periodColumn(table)
        guard let mixed = data.mixed else { throw ExplainError.panelNeedsOneRandomIntercept }
        fit = try LinearMixedModel.fit(mixed, reml: true)
        satterthwaite = try Satterthwaite(fit)
        let grouping = try TermGrouping(groups: e.groups, formula: mixed.fixed.formula)
        decomposition = try PanelDecomposition(fit: fit, grouping: grouping)
        shares = try PanelShares(fit: fit, grouping: grouping)
        groupTests = try Self.groupTests(fit, satterthwaite, grouping: grouping)
        justifiedWarnings = try e.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: mixed.fixed,
                                                    coefficients: fit.coefficientTable(satterthwaite, level: e.fit.level))
        if let replicates = request.persistentBootstrap {
            bootstrap = try PersistentBootstrap(fit: fit, level: e.fit.level, replicates: replicates, seed: request.seed)
        } else {
            bootstrap = nil
        }
        let used = mixed.fixed.rows
        (units, ranks, unitLabels) = try request.unitParts(decomposition, periodColumn: periodColumn, used: used, labels: data.labels)
        share = BetweenShare(fit: fit, level: e.fit.level)
        if e.scale != nil, let r = mixed.fixed.formula.response {
            let response = mixed.fixed.formula.variables[r]
            if case let .expression(x) = response.source, !x.isRatioArithmetic {
                throw ExplainError.panelScaleOfTransformedResponse(response.label)
            }
        }
        scaleValues = try e.scale.map { try ExplainAnalysis.scaleValues(table: table, column: $0, rows: used) }
    }

    /// Each group's coefficients tested jointly (lmerTest's `contest(fit, L, joint = TRUE)`); a
    /// group of random-effect terms only (``MixedExplainAnalysis``) has none, and NaN.
    static func groupTests(_ fit: LinearMixedFit, _ satterthwaite: Satterthwaite, grouping: TermGrouping) throws -> [ContrastFTest] {
        let assign = fit.design.fixed.assign
        return try grouping.groups.indices.map { g in
            let columns = assign.indices.filter { assign[$0] >= 0 && grouping.groupOfTerm[assign[$0]] == g }
            // A group of random-effect terms only has no fixed coefficients to test: NaN.
            guard !columns.isEmpty else { return .none }
            var l = Matrix(rows: columns.count, columns: fit.p)
            for (r, j) in columns.enumerated() { l[r, j] = 1 }
            return try satterthwaite.test(l, beta: fit.beta)
        }
    }

    /// A unit seen twice in one period is an error naming both rows.
    static func checkOneRowPerUnitAndPeriod(table: Table, panel: Column, time: Column) throws {
        var seen: [String: Int] = [:]
        for r in 0..<table.rowCount where !panel.isMissing[r] && !time.isMissing[r] {
            let key = panel.cells[r] + "\u{1F}" + time.cells[r]
            if let first = seen[key] {
                throw ExplainError.duplicatePanelRow(unit: panel.cells[r], period: time.cells[r], rows: [first + 1, r + 1])
            }
            seen[key] = r
        }
    }

    public var usedRows: [Int] { fit.design.fixed.rows }
    public var droppedRows: [DroppedRow] { fit.design.fixed.dropped }
}

extension PanelRequest {
    /// The request with absorbed factors entered as dummies in the groups that name them
    /// (``ExplainRequest/absorbedAsDummies()``), and the model's request: the formula plus a
    /// random intercept per unit (a formula with random terms of its own is refused).
    func prepared() throws -> (panel: PanelRequest, fit: FitRequest) {
        var request = self
        request.explain = request.explain.absorbedAsDummies()
        if MixedFormula.hasRandomTerms(request.explain.fit.formula) { throw ExplainError.panelFormulaHasRandomTerms }
        var fit = request.explain.fit
        fit.formula += " + (1 | \(RName.deparse(panel)))"
        return (request, fit)
    }

    /// The period column, once each unit is checked to have at most one row a period.
    func periodColumn(_ table: Table) throws -> Column {
        let column = try table.column(time).byValue
        try PanelAnalysis.checkOneRowPerUnitAndPeriod(table: table, panel: try table.column(panel).byValue, time: column)
        return column
    }

    /// Per unit over the periods, the persistent effects' rank draws and the units' labels (the
    /// label column in a unit's first row, or the unit), for the rows `used`.
    func unitParts(_ d: PanelDecomposition, periodColumn: Column, used: [Int], labels: [String]?) throws
        -> (PanelUnits, PersistentRanks, [String]) {
        let units = PanelUnits(d, periodLabels: used.map { periodColumn.cells[$0] }, numericPeriods: periodColumn.kind == .numeric,
                               higherIsBetter: explain.rankingHigherIsBetter)
        let ranks = try PersistentRanks(effects: d.unitEffect, standardDeviations: d.unitSD, higherIsBetter: explain.rankingHigherIsBetter,
                                        draws: draws, seed: seed)
        return (units, ranks, units.rows.map { r in labels.map { $0[used[r[0]]] } ?? d.units[d.unitOfRow[r[0]]] })
    }
}
