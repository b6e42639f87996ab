import Varex

/// `varex explain --panel UNIT --time PERIOD --family F`: the formula's fixed effects plus a
/// random intercept per unit, fitted as a GLMM (lme4's `glmer`, Laplace); each unit-period's
/// linear predictor split into baseline, group effects and the unit's persistent effect, its
/// levels on the response scale (``PanelDecomposition/init(glmm:split:)``); per unit its
/// persistent effect (link scale, with its conditional SD and interval, and as an amount a
/// period on the response scale), its rank interval, periods above and below, trend and
/// single-period ranks; the groups' Shapley shares of the deviance explained beyond the unit's
/// intercept with their Wald χ² tests; and the between-unit share on the latent scale with a
/// profile-likelihood interval (``BetweenShare/init(glmm:level:)``).
public struct PanelGLMMAnalysis: PanelExplanation {
    public let request: PanelRequest
    public let glmm: GLMMAnalysis
    /// The GLMM's split by groups (its shares and response-scale effects).
    public let split: GLMMDecomposition
    public let decomposition: PanelDecomposition
    public let units: PanelUnits
    public let ranks: PersistentRanks
    public let share: BetweenShare
    public let scaleValues: [Double]?
    public let unitLabels: [String]
    /// Per group, the Wald χ² test of its fixed coefficients (car's `linearHypothesis`).
    public let groupTests: [GLMWaldTest]
    /// Justified groups without evidence, and terms against their expected direction.
    public let justifiedWarnings: [String]
    public let bootstrap: PersistentBootstrap?

    public var data: ModelData { glmm.data }
    public var usedRows: [Int] { glmm.fit.design.fixed.rows }
    public var droppedRows: [DroppedRow] { glmm.fit.design.fixed.dropped }

    /// The family a panel is fitted with as a GLMM: nil without one, and for the Gaussian with
    /// the identity link, which is the linear mixed model (``PanelAnalysis``), as glmer hands
    /// that case to lmer.
    public static func family(_ family: Family?, link: Link?) -> Family? {
        guard let family, !(family == .gaussian && (link ?? .identity) == .identity) else { return nil }
        return family
    }

    public init(_ request: PanelRequest, family: Family, link: Link?) throws {
        let (request, fitRequest) = try request.prepared()
        self.request = request
        let e = request.explain
        glmm = try GLMMAnalysis(fitRequest, family: family, link: link, unit: request.panel)
        let table = glmm.data.table, fit = glmm.fit
        let periodColumn = try request.periodColumn(table)
        let design = fit.design.fixed
        let grouping = try TermGrouping(groups: e.groups, formula: design.formula)
        split = try GLMMDecomposition(fit: fit, grouping: grouping, randomGroups: [nil])
        decomposition = try PanelDecomposition(glmm: fit, split: split)
        groupTests = grouping.groups.indices.map { g in
            fit.waldTest(columns: design.assign.indices.filter { design.assign[$0] >= 0 && grouping.groupOfTerm[design.assign[$0]] == g })
        }
        justifiedWarnings = try e.justifiedWarnings(grouping: grouping, groupPValues: groupTests.map(\.pValue), design: design,
                                                    coefficients: glmm.coefficients)
        if let replicates = request.persistentBootstrap {
            bootstrap = try PersistentBootstrap(glmm: fit, level: e.fit.level, replicates: replicates, seed: request.seed)
        } else {
            bootstrap = nil
        }
        let used = design.rows
        (units, ranks, unitLabels) = try request.unitParts(decomposition, periodColumn: periodColumn, used: used, labels: glmm.data.labels)
        share = BetweenShare(glmm: fit, level: e.fit.level)
        scaleValues = try e.scale.map { try ExplainAnalysis.scaleValues(table: table, column: $0, rows: used) }
    }
}
