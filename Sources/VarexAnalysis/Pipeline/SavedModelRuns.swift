import Varex
import VarexLinearAlgebra

/// Saving a run's model: the linear or GLM fit of a model run, with the data's checksum.
extension SavedModel {
    /// The model of a run, with its covariance of the run's type.
    public init(run: ModelRun) throws {
        let fit = run.fit
        if let a = fit.design.absorbed, a.names.count > 2 { throw SavedModelError.tooManyAbsorbed(a.names) }
        let predictor = try fit.predictor(covariance: run.request.covariance)
        try self.init(data: run.data, coefficients: fit.coefficients, rank: fit.rank, dfResidual: fit.dfResidual, deviance: fit.weightedRSS,
                      sigma: fit.sigma, covarianceType: predictor.covarianceType, covariance: predictor.covariance, tolerance: fit.tolerance)
        absorbed = fit.absorbedEffects.map { a in
            AbsorbedModel(factors: a.factors, levels: a.levels, effects: a.effects, responseParts: a.responseParts, columnParts: a.columnParts,
                          levelWeights: a.levelWeights, pairs: a.pairWeights.map { AbsorbedModel.Pair(first: $0.first, second: $0.second, weight: $0.weight) })
        }
    }

    /// A linear mixed model: its fixed part as the model (lme4's `vcov`, σ̂), and each
    /// random-effect term's conditional modes by level, for conditional predictions.
    public init(mixed a: MixedAnalysis) throws {
        let f = a.fit
        try self.init(data: a.data, coefficients: f.beta, rank: f.p, dfResidual: f.n - f.p, deviance: f.criterion, sigma: f.sigma,
                      covarianceType: .classical, covariance: f.covariance, tolerance: QRFactorization.defaultTolerance)
        randomTerms = Self.randomTerms(f.design.blocks, modes: f.randomEffects(term:))
    }

    /// A generalized linear mixed model: the GLM's family and link with the mixed model's
    /// random terms and conditional modes (on the link scale); σ is 1 (binomial, Poisson).
    public init(glmm a: GLMMAnalysis) throws {
        let f = a.fit
        try self.init(data: a.data, coefficients: f.beta, rank: f.p, dfResidual: f.n - f.p, deviance: f.criterion, sigma: 1,
                      covarianceType: .classical, covariance: f.covariance, tolerance: QRFactorization.defaultTolerance)
        family = f.family.rawValue
        link = f.link.rawValue
        randomTerms = Self.randomTerms(f.design.blocks, modes: f.randomEffects(term:))
    }

    /// Each random term with its coding and each level's conditional modes.
    static func randomTerms(_ blocks: [RandomEffectsBlock], modes: (Int) -> Matrix) -> [RandomTermModel] {
        blocks.enumerated().map { k, block in
            let modes = modes(k)
            let schema = block.schema
            return RandomTermModel(group: block.term.groupName, grouping: block.term.grouping, effects: block.term.effects,
                                   columns: block.effectNames, assign: schema.assign,
                                   categorical: schema.codings.sorted { $0.key < $1.key }.map { vi, c in
                                       Coding(variable: schema.formula.variables[vi].label, levels: c.levels, reference: c.levels[c.reference])
                                   },
                                   levels: block.levels,
                                   modes: (0..<block.levels.count).map { l in (0..<block.effectCount).map { modes[l, $0] } })
        }
    }

    /// A GLM, with its covariance of the analysis's type; σ is √dispersion.
    public init(glm a: GLMAnalysis) throws {
        let f = a.fit
        try self.init(data: a.data, coefficients: f.coefficients, rank: f.rank, dfResidual: f.dfResidual, deviance: f.deviance,
                      sigma: f.dispersion.squareRoot(), covarianceType: a.covariance, covariance: try f.covariance(a.covariance),
                      tolerance: f.tolerance)
        family = f.family.rawValue
        link = f.link.rawValue
    }

    /// A linear fit read in blocks: the same file as a fit in memory writes (the codings the
    /// first pass learned, the covariance of `covarianceType`), its rows' ids from one more pass.
    public init(streamed fit: StreamingFit, request: FitRequest, rowsUsed: [String], covarianceType: CovarianceType,
                covariance v: Matrix) throws {
        format = Self.formatName
        formatVersion = 1
        varexVersion = VarexVersion.string
        formula = fit.formula.text
        dot = fit.formula.dot
        weights = request.weights
        data = request.dataPath
        dataSHA256 = (try? Checksum.sha256(path: request.dataPath)) ?? "not available"
        self.rowsUsed = rowsUsed
        rank = fit.p
        dfResidual = fit.dfResidual
        rss = fit.rss
        sigma = Self.finite(fit.sigma)
        seType = covarianceType.rawValue
        tolerance = QRFactorization.defaultTolerance
        columns = fit.columnNames.indices.map { Column(name: fit.columnNames[$0], term: fit.assign[$0], coefficient: Self.finite(fit.coefficients[$0])) }
        categorical = fit.codings.sorted { $0.key < $1.key }.map { vi, c in
            Coding(variable: fit.formula.variables[vi].label, levels: c.levels, reference: c.levels[c.reference])
        }
        bases = nil
        covariance = (0..<fit.p).map { a in (0..<fit.p).map { b in Self.finite(v[a, b]) } }
    }

    /// A GLM read in blocks: as a GLM fitted in memory saves it (σ is √dispersion), with the
    /// codings the first pass learned and its rows' ids from one more pass.
    public init(streamedGLM a: StreamedGLMAnalysis, rowsUsed: [String]) throws {
        let f = a.fit
        format = Self.formatName
        formatVersion = 1
        varexVersion = VarexVersion.string
        formula = f.formula.text
        dot = f.formula.dot
        weights = a.request.weights
        data = a.request.dataPath
        dataSHA256 = (try? Checksum.sha256(path: a.request.dataPath)) ?? "not available"
        self.rowsUsed = rowsUsed
        rank = f.rank
        dfResidual = f.dfResidual
        rss = f.deviance
        sigma = Self.finite(f.dispersion.squareRoot())
        seType = a.covariance.rawValue
        tolerance = QRFactorization.defaultTolerance
        columns = f.columnNames.indices.map { Column(name: f.columnNames[$0], term: f.assign[$0], coefficient: Self.finite(f.coefficients[$0])) }
        categorical = f.codings.sorted { $0.key < $1.key }.map { vi, c in
            Coding(variable: f.formula.variables[vi].label, levels: c.levels, reference: c.levels[c.reference])
        }
        bases = nil
        covariance = (0..<f.p).map { i in (0..<f.p).map { j in Self.finite(a.covarianceMatrix[i, j]) } }
        family = f.family.rawValue
        link = f.link.rawValue
    }

    init(data run: ModelData, coefficients: [Double], rank: Int, dfResidual: Int, deviance: Double, sigma: Double,
         covarianceType: CovarianceType, covariance v: Matrix, tolerance: Double) throws {
        let design = run.design
        format = Self.formatName
        formatVersion = 1
        varexVersion = VarexVersion.string
        formula = design.formula.text
        dot = design.formula.dot
        weights = run.request.weights
        data = run.table.source
        dataSHA256 = (try? Checksum.sha256(path: run.request.dataPath)) ?? "not available"
        rowsUsed = design.rows.map { run.ids[$0] }
        self.rank = rank
        self.dfResidual = dfResidual
        rss = deviance
        self.sigma = Self.finite(sigma)
        seType = covarianceType.rawValue
        self.tolerance = tolerance
        columns = design.columnNames.indices.map {
            Column(name: design.columnNames[$0], term: design.assign[$0], coefficient: Self.finite(coefficients[$0]))
        }
        categorical = design.codings.sorted { $0.key < $1.key }.map { vi, c in
            Coding(variable: design.formula.variables[vi].label, levels: c.levels, reference: c.levels[c.reference])
        }
        let learned = design.bases.sorted { $0.key < $1.key }.map { LearnedBasis(variable: design.formula.variables[$0.key].label, parameters: $0.value) }
        bases = learned.isEmpty ? nil : learned
        let p = design.columnNames.count
        covariance = (0..<p).map { a in (0..<p).map { b in Self.finite(v[a, b]) } }
    }
}
