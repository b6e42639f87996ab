import Varex

/// What `varex triangulate` is asked: one spend column and one set of need terms, looked at three
/// ways over the same councils — the regression's unjustified spend, a DEA (spend as the input,
/// the outcome measures as outputs, Banker–Morey needs) and a stochastic cost frontier — with
/// the draws of each method's uncertainty.
public struct TriangulationRequest: Sendable {
    public var spend: String
    /// The need terms, a formula's right-hand side: the regression is `spend ~ need` (every term
    /// justified), the cost frontier `log(spend) ~ need`.
    public var need: String
    /// DEA's outputs (positive, more is better) and its Banker–Morey need columns.
    public var outputs: [String]
    public var deaNeeds: [String]
    public var returns: ReturnsToScale
    /// Bootstrap replicates of the regression (ranks) and of the DEA (Simar–Wilson), and the
    /// frontier's rank draws; 0 for none.
    public var replicates: Int
    public var rankDraws: Int
    public var seed: UInt64
    public var level: Double
    /// The DEA outputs' sampling errors, carried by its bootstrap (``EfficiencyRequest``).
    public var samplingError: SamplingErrorSource = .none
    public var marginOfError: [String: String] = [:]
    public var counts: [String: (numerator: String, denominator: String)] = [:]

    public init(spend: String, need: String, outputs: [String], deaNeeds: [String] = [], returns: ReturnsToScale = .variable,
                replicates: Int = 0, rankDraws: Int = 0, seed: UInt64 = 1, level: Double = 0.95) {
        self.spend = spend
        self.need = need
        self.outputs = outputs
        self.deaNeeds = deaNeeds
        self.returns = returns
        self.replicates = replicates
        self.rankDraws = rankDraws
        self.seed = seed
        self.level = level
    }
}

/// The three views over the rows every one of them can use (the others listed with the reason):
/// each council's unjustified spend, DEA efficiency and cost efficiency, with their ranks
/// (1 = best: the lowest unjustified spend, the highest efficiency), rank intervals when asked,
/// and Spearman's correlations between the three rankings.
public struct TriangulationAnalysis: Sendable {
    public let request: TriangulationRequest
    /// Table rows used, in order, and the others with the reason.
    public let rows: [Int]
    public let leftOut: [DroppedRow]
    public let ids: RowIDs
    public let labels: [String]?
    /// The id and label columns' names for the table.
    public let idName: String
    public let labelName: String?
    public let explain: ExplainAnalysis
    public let rankBootstrap: RankBootstrap?
    public let dea: EfficiencyAnalysis
    public let frontier: StochasticFrontierAnalysis

    public init(data: String, joins: [String] = [], id: String?, label: String?, exclude: [String] = [], subset: String? = nil,
                request r: TriangulationRequest) throws {
        let loaded = try DataInput(path: data, joins: joins, id: id, exclude: exclude, subset: subset).read()
        let table = loaded.table
        _ = try label.map { try table.column($0) }
        // Rows each view can use: the two formulas' designs, and every DEA column present.
        var why = loaded.leftOut
        for formula in ["\(r.spend) ~ \(r.need)", "log(\(r.spend)) ~ \(r.need)"] {
            let design = try DesignMatrix(formula: try Formula(formula), table: table, options: DesignOptions(excluded: why))
            for d in design.dropped where why[d.row] == nil { why[d.row] = d.reason }
        }
        for name in r.outputs + r.deaNeeds {
            let c = try table.column(name)
            for i in 0..<table.rowCount where why[i] == nil && c.isMissing[i] { why[i] = "missing \(name)" }
        }
        let used = (0..<table.rowCount).filter { why[$0] == nil }
        let sub = table.selecting(rows: used)
        let subIDs = used.map { loaded.ids[$0] }
        func fitRequest(_ formula: String) -> FitRequest {
            FitRequest(dataPath: data, formula: formula, level: r.level)
        }
        let terms = try Formula("\(r.spend) ~ \(r.need)").terms.map(\.label)
        var explainRequest = ExplainRequest(fit: fitRequest("\(r.spend) ~ \(r.need)"), groups: [TermGroup(name: "need", justified: true, terms: terms)])
        explainRequest.rankOrder = .bestFirst
        explain = try ExplainAnalysis(explainRequest, table: sub)
        rankBootstrap = r.replicates > 0 ? try RankBootstrap(analysis: explain, replicates: r.replicates, seed: r.seed) : nil
        var deaRequest = EfficiencyRequest(inputs: [r.spend], outputs: r.outputs, needs: r.deaNeeds,
                                           model: DEAModel(orientation: .input, returns: r.returns),
                                           replicates: r.replicates, seed: r.seed, level: r.level)
        (deaRequest.samplingError, deaRequest.marginOfError, deaRequest.counts) = (r.samplingError, r.marginOfError, r.counts)
        dea = try EfficiencyAnalysis(table: sub, request: deaRequest, ids: RowIDs(subIDs))
        frontier = try StochasticFrontierAnalysis(fitRequest("log(\(r.spend)) ~ \(r.need)"),
                                                  frontier: FrontierRequest(model: StochasticFrontierModel(side: .cost, distribution: .halfNormal),
                                                                            level: r.level, rankDraws: r.rankDraws, seed: r.seed), table: sub)
        guard explain.fit.design.rows.count == used.count, dea.rows.count == used.count, frontier.rows.count == used.count else {
            throw FrontierError.invalidSetting("the three views did not use the same councils")
        }
        request = r
        rows = used
        leftOut = why.sorted { $0.key < $1.key }.map { DroppedRow(row: $0.key, reason: $0.value) }
        ids = loaded.ids
        labels = try label.map { Array(try table.column($0).cells) }
        idName = id ?? "id"
        labelName = label
    }

    /// Each council's score on the "higher is better" scale of each view: −unjustified spend,
    /// DEA efficiency (bias-corrected with a bootstrap), cost efficiency.
    public var scores: (regression: [Double], dea: [Double], frontier: [Double]) {
        (explain.rows.unjustified.map { -$0 }, dea.bootstrap?.corrected ?? dea.dea.efficiency, frontier.fit.efficiency)
    }

    /// Ranks, 1 = best, in each view.
    public var ranks: (regression: [Int], dea: [Int], frontier: [Int]) {
        let s = scores
        return (explain.rows.ranks, dea.bootstrap?.correctedRank ?? Ranking.competition(s.dea, descending: true), frontier.ranks)
    }

    /// Spearman's correlations of the three rankings: regression–DEA, regression–frontier, DEA–frontier.
    public var rankCorrelations: (regressionDEA: Double, regressionFrontier: Double, deaFrontier: Double) {
        let s = scores
        return (Spearman.correlation(s.regression, s.dea), Spearman.correlation(s.regression, s.frontier), Spearman.correlation(s.dea, s.frontier))
    }
}
