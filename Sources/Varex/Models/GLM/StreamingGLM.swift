import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// A GLM fitted to a CSV read a block of rows at a time (`varex fit --stream --family`), as
/// R's `glm.fit` fits it in memory (the same starting values, working response and weights,
/// step halving and stopping rule), one pass over the file per IRLS iteration: each pass
/// computes the deviance at the current coefficients and, for the next, a tall-skinny QR of
/// [√w X, √w z] (``TallSkinnyQR``), so memory is bounded by the block and p², not by the rows
/// (biglm's `bigglm` in R does the same). The first pass starts from R's `mustart`; the pass
/// that finds the deviance settled also gives the null deviance's sums, Pearson's χ², the
/// dispersion (the last QR's working weights with the final working residuals, as
/// `summary.glm`) and the AIC's sums. With an offset and an intercept the null deviance is the
/// intercept-only fit's, a pass per iteration more. Categorical terms take a first pass for
/// their levels, as ``StreamingFit``'s; linearly dependent columns are refused.
public struct StreamingGLM: Sendable {
    public let formula: Formula
    public let codings: [Int: CategoricalCoding]
    public let clusters: [String]
    public let weights: String?
    public let family: Family
    public let link: Link
    public let columnNames: [String]
    public let assign: [Int]
    public let responseLabel: String
    public let coefficients: [Double]
    /// (XᵀWX)⁻¹ from the last iteration's QR.
    public let unscaledCovariance: Matrix
    /// Rows used, and those with a positive prior weight.
    public let n: Int
    public let positiveRows: Int
    public let deviance: Double
    public let nullDeviance: Double
    public let pearsonChiSquare: Double
    /// Σ w·(working residual)² over the residual df (estimated families), else 1.
    public let dispersion: Double
    /// R's AIC (nil for the quasi families).
    public let aic: Double?
    public let iterations: Int
    public let converged: Bool
    public let warnings: [String]
    public let dropped: [DroppedRow]
    public let selection: StreamRowSelection
    public let tableRowCount: Int
    public let blocks: Int
    /// Passes over the file, the levels' pass included.
    public let passes: Int
    /// The coefficients whose means gave the last QR's working weights (nil: R's `mustart`).
    let weightsFrom: [Double]?
    let qr: TallSkinnyQR
    let responseSum: Extended

    public var p: Int { columnNames.count }
    public var dfResidual: Int { positiveRows - p }
    public var dfNull: Int { positiveRows - (formula.hasIntercept ? 1 : 0) }
    public var rank: Int { p }
    /// dispersion × (XᵀWX)⁻¹.
    public var covariance: Matrix {
        Matrix(rows: p, columns: p, columnMajor: unscaledCovariance.storage.map { $0 * dispersion })
    }
    public var logLikelihood: Double? {
        aic.map { Double(rank + (family.likelihoodCountsDispersion ? 1 : 0)) - $0 / 2 }
    }

    /// One row of a block as the IRLS reads it.
    struct Row {
        let x: [Double]
        let y, prior, startWeight, offset, trials: Double
        /// The row of the file (0-based).
        let fileRow: Int
    }

    /// Where a pass takes each row's linear predictor from.
    enum Predictor {
        /// R's `mustart` (the family's `initialize`).
        case start
        case coefficients([Double])
        /// Intercept only, with the offset (the null model's IRLS).
        case intercept(Double)
    }

    /// What one pass sums.
    struct PassSums {
        var deviance = 0.0
        var valid = true
        var qr: TallSkinnyQR
        var informative = 0
        var dispersionSum = 0.0
        var pearson = 0.0
        var positive = 0
        var sumPriorY = 0.0, sumPrior = 0.0
        var nullDeviance = 0.0
        var swz = 0.0, sw = 0.0
        var aic = AICSums()
        var rows = 0
        var responseSum: Extended = 0
        var nearZeroOne = false, nearZeroRate = false
        var nonIntegers: [Double] = [], nonIntegerCount = 0, nonIntegerCounts = false
        var anyTrialsAboveOne = false
    }

    /// The AIC's per-row sums (each family's terms that add over rows).
    struct AICSums {
        var binomialByTrials = 0.0, binomialByWeights = 0.0, poisson = 0.0, sumLogPrior = 0.0
        var sumPrior = 0.0, sumPriorLogMu = 0.0, sumPriorLogY = 0.0, sumPriorYOverMu = 0.0
        var rows = 0
    }

    /// Fits `formula` to the file `open` reads, a block at a time.
    public static func fit(formula: Formula, family: Family, link: Link?, open: @escaping () throws -> CSVBlockReader,
                           references: [String: String] = [:], clusters: [String] = [], weights: String? = nil,
                           selection: StreamRowSelection = StreamRowSelection(), columns: [Int]? = nil) throws -> StreamingGLM {
        let link = link ?? family.defaultLink
        guard family.links.contains(link) else { throw GLMError.linkNotAllowed(family: family, link: link) }
        var reader = try open()
        guard let first = try reader.next() else { throw ModelError.allRowsDropped(total: 0, commonestReason: "no rows") }
        let categorical = try StreamingFit.categoricalVariables(formula: formula, block: first)
        var passes = 0
        let codings: [Int: CategoricalCoding]
        if categorical.isEmpty {
            codings = [:]
            if !references.isEmpty { _ = try Contrasts.codings(frame: ModelFrame(formula: formula, table: first, options: DesignOptions()),
                                                                references: references) }
        } else {
            codings = try StreamingFit.levels(formula: formula, categorical: categorical, first: first, rest: &reader, references: references,
                                              weights: weights, selection: selection)
            passes += 1
        }
        // The layout and the rows left out, from the first IRLS pass.
        var names: [String] = [], assign: [Int] = [], response = ""
        var dropped: [DroppedRow] = []
        var tableRows = 0, blocks = 0, trialsGiven = false
        // The first pass's rows, kept in a temporary file for the later passes (see the type).
        var cache: StreamingGLMRowCache? = nil
        func pass(_ current: Predictor, weightsFrom: Predictor?, nullMean: Double?, layout: Bool = false) throws -> PassSums {
            passes += 1
            if !layout, let cache {
                var sums = PassSums(qr: TallSkinnyQR(columns: names.count + 1))
                try cache.forEachChunk { chunk in
                    try accumulate(columns.map { c in chunk.map { $0.keeping(c) } } ?? chunk, into: &sums, current: current,
                                   weightsFrom: weightsFrom, nullMean: nullMean, family: family, link: link, hasIntercept: formula.hasIntercept)
                }
                Progress.report("IRLS pass \(passes) from the rows kept")
                guard sums.rows > 0 else { throw ModelError.allRowsDropped(total: tableRows, commonestReason: dropped.first?.reason ?? "no rows") }
                return sums
            }
            var reader = try open()
            var found = Set<String>()
            var sums: PassSums? = nil
            while let block = try reader.next() {
                let design = try StreamingFit.blockDesign(formula: formula, block: block, codings: codings, clusters: clusters, weights: weights,
                                                          leftOut: try selection.leftOut(block, found: &found), glm: true)
                if sums == nil {
                    if layout {
                        let kept = columns ?? Array(design.columnNames.indices)
                        names = kept.map { design.columnNames[$0] }; assign = kept.map { design.assign[$0] }; response = design.responseLabel
                    } else if (columns.map { c in c.map { design.columnNames[$0] } } ?? design.columnNames) != names {
                        throw StreamError.fileChanged("a pass found the columns \(design.columnNames) where the fit had \(names)")
                    }
                    sums = PassSums(qr: TallSkinnyQR(columns: names.count + 1))
                }
                if layout {
                    dropped += design.dropped.map { DroppedRow(row: block.firstRow + $0.row, reason: $0.reason) }
                    tableRows = block.firstRow + block.rowCount
                    trialsGiven = trialsGiven || design.trials != nil
                }
                var blockRows = try rows(design, block: block, family: family)
                if layout {
                    if cache == nil && block.firstRow == 0 && getenv("VAREX_STREAM_NO_ROW_CACHE") == nil {
                        cache = StreamingGLMRowCache(columns: design.columnNames.count)
                    }
                    if let c = cache, !c.append(blockRows) { cache = nil }
                }
                if let columns { blockRows = blockRows.map { $0.keeping(columns) } }
                try accumulate(blockRows, into: &sums!, current: current, weightsFrom: weightsFrom,
                               nullMean: nullMean, family: family, link: link, hasIntercept: formula.hasIntercept)
                Progress.report("IRLS pass \(passes) in blocks: \(reader.blocks) blocks")
            }
            if layout {
                blocks = reader.blocks
                if let missing = selection.exclude.subtracting(found).sorted().first { throw StreamError.unknownExcludedID(missing) }
            }
            guard let sums, sums.rows > 0 else {
                throw ModelError.allRowsDropped(total: tableRows, commonestReason: dropped.first?.reason ?? "no rows")
            }
            return sums
        }
        let start = try pass(.start, weightsFrom: nil, nullMean: nil, layout: true)
        let p = names.count
        guard start.rows >= p else { throw ModelError.tooFewRows(used: start.rows, coefficients: p, dropped: dropped.count) }
        guard start.informative > 0 else { throw GLMError.noInformativeRows }
        try checkAliasing(start.qr, names: names)
        let mean = start.sumPriorY / start.sumPrior
        var devOld = start.deviance
        var qr = start.qr
        var weightsFrom: Predictor = .start
        var previous: [Double]? = nil
        var coefficients = try qr.solveLeading(p)
        var iterations = 0, converged = false
        var final: PassSums
        while true {
            iterations += 1
            var sums = try pass(.coefficients(coefficients), weightsFrom: weightsFrom,
                                nullMean: formula.hasIntercept ? mean : nil)
            // Step halving: a non-finite deviance, or η or μ outside the family's domain.
            var halvings = 0
            while !sums.deviance.isFinite || !sums.valid {
                guard let old = previous, halvings < GeneralizedLinearModel.maximumIterations else { throw GLMError.noValidCoefficients }
                halvings += 1
                coefficients = zip(coefficients, old).map { ($0 + $1) / 2 }
                sums = try pass(.coefficients(coefficients), weightsFrom: weightsFrom, nullMean: formula.hasIntercept ? mean : nil)
            }
            if abs(sums.deviance - devOld) / (abs(sums.deviance) + 0.1) < GeneralizedLinearModel.epsilon { converged = true; final = sums; break }
            if iterations == GeneralizedLinearModel.maximumIterations { final = sums; break }
            devOld = sums.deviance
            previous = coefficients
            guard sums.informative > 0 else { throw GLMError.noInformativeRows }
            qr = sums.qr
            weightsFrom = .coefficients(coefficients)
            coefficients = try qr.solveLeading(p)
        }
        let lastWeights: [Double]?
        if case let .coefficients(b) = weightsFrom { lastWeights = b } else { lastWeights = nil }
        var nullDeviance: Double
        if !formula.hasIntercept {
            nullDeviance = final.nullDeviance
        } else if formula.offsets.isEmpty {
            nullDeviance = final.nullDeviance
        } else {
            // Intercept only, with the offset: IRLS from the full fit's means, a pass each.
            var s = try pass(.coefficients(coefficients), weightsFrom: nil, nullMean: nil)
            var dOld = s.deviance
            nullDeviance = dOld
            for _ in 1...GeneralizedLinearModel.maximumIterations {
                let b = s.swz / s.sw
                s = try pass(.intercept(b), weightsFrom: nil, nullMean: nil)
                nullDeviance = s.deviance
                if abs(s.deviance - dOld) / (abs(s.deviance) + 0.1) < GeneralizedLinearModel.epsilon { break }
                dOld = s.deviance
            }
        }
        let df = final.positive - p
        let dispersion = family.estimatesDispersion ? (df > 0 ? final.dispersionSum / Double(df) : .nan) : 1
        let aic = Self.aic(final.aic, family: family, deviance: final.deviance, trialsAboveOne: final.anyTrialsAboveOne, trialsGiven: trialsGiven)
            .map { $0 + 2 * Double(p) }
        var warnings: [String] = []
        if !converged { warnings.append("glm.fit: algorithm did not converge") }
        if final.nearZeroOne { warnings.append("glm.fit: fitted probabilities numerically 0 or 1 occurred") }
        if final.nearZeroRate { warnings.append("glm.fit: fitted rates numerically 0 occurred") }
        for v in final.nonIntegers { warnings.append("non-integer x = \(String(format: "%.6f", v))") }
        if final.nonIntegerCount > 10 { warnings.append("non-integer x: \(final.nonIntegerCount - 10) more values like these") }
        if final.nonIntegerCounts { warnings.append("non-integer #successes in a binomial glm!") }
        return StreamingGLM(formula: formula, codings: codings, clusters: clusters, weights: weights, family: family, link: link,
                            columnNames: names, assign: assign, responseLabel: response, coefficients: coefficients,
                            unscaledCovariance: try qr.inverseGram(p), n: final.rows, positiveRows: final.positive,
                            deviance: final.deviance, nullDeviance: nullDeviance, pearsonChiSquare: final.pearson, dispersion: dispersion,
                            aic: aic, iterations: iterations, converged: converged, warnings: warnings, dropped: dropped,
                            selection: selection, tableRowCount: tableRows, blocks: blocks, passes: passes, weightsFrom: lastWeights,
                            qr: qr, responseSum: final.responseSum)
    }

    /// A column (nearly) a combination of those before it: its diagonal of R against its norm.
    static func checkAliasing(_ qr: TallSkinnyQR, names: [String]) throws {
        let w = names.count + 1
        for j in names.indices {
            var norm = 0.0
            for i in 0...j { norm += qr.r[i + j * w] * qr.r[i + j * w] }
            if abs(qr.r[j + j * w]) <= 1e-7 * norm.squareRoot() { throw StreamError.aliased(names[j]) }
        }
    }

    /// A block's rows used, with their prior weights (× the trials of a count pair), starting
    /// weights (the trials, else the prior weights) and offsets; a response outside the
    /// family's range is an error naming its row.
    static func rows(_ design: DesignMatrix, block: Table, family: Family) throws -> [Row] {
        let p = design.columnNames.count
        if design.trials != nil && !(family == .binomial || family == .quasibinomial) { throw GLMError.countPairNeedsBinomial(family: family) }
        return try design.y.indices.map { i in
            let y = Double(design.y[i])
            if let problem = family.check(y: y) {
                throw GLMError.invalidResponse(row: block.firstRow + design.rows[i], message: problem,
                                               location: block.location(row: design.rows[i], column: design.responseLabel))
            }
            let trials = design.trials.map { Double($0[i]) } ?? 1
            let w = design.weights.map { Double($0[i]) } ?? 1
            return Row(x: (0..<p).map { Double(design.x[i, $0]) }, y: y, prior: w * (design.trials == nil ? 1 : trials),
                       startWeight: design.trials == nil ? w * 1 : trials, offset: design.offset.map { Double($0[i]) } ?? 0,
                       trials: trials, fileRow: block.firstRow + design.rows[i])
        }
    }

    /// η and μ of a row under `predictor`.
    static func predict(_ row: Row, _ predictor: Predictor, family: Family, link: Link) -> (eta: Double, mu: Double) {
        switch predictor {
        case .start:
            let mu = family.start(y: row.y, weight: row.startWeight)
            return (link.eta(mu), mu)
        case let .coefficients(b):
            var eta = row.offset
            for j in b.indices { eta += row.x[j] * b[j] }
            return (eta, link.mu(eta))
        case let .intercept(b):
            let eta = row.offset + b
            return (eta, link.mu(eta))
        }
    }

    /// Adds a block's rows to a pass's sums.
    static func accumulate(_ rows: [Row], into s: inout PassSums, current: Predictor, weightsFrom: Predictor?, nullMean: Double?,
                           family: Family, link: Link, hasIntercept: Bool) throws {
        let p = s.qr.columns - 1
        var block: [[Double]] = []
        block.reserveCapacity(rows.count)
        let eps = 10 * Double.ulpOfOne
        for row in rows {
            let (eta, mu) = predict(row, current, family: family, link: link)
            s.rows += 1
            s.responseSum += Extended(row.y)
            s.deviance += family.unitDeviance(y: row.y, mu: mu, weight: row.prior)
            if !link.isValid(eta: eta) || !family.isValid(mu: mu) { s.valid = false }
            s.sumPriorY += row.prior * row.y
            s.sumPrior += row.prior
            if row.prior > 0 { s.positive += 1 }
            if let nullMean { s.nullDeviance += family.unitDeviance(y: row.y, mu: nullMean, weight: row.prior) }
            if !hasIntercept { s.nullDeviance += family.unitDeviance(y: row.y, mu: link.mu(row.offset), weight: row.prior) }
            let d = link.muEta(eta)
            guard row.prior > 0, d != 0 else { continue }
            let variance = family.variance(mu)
            let w = row.prior * d * d / variance
            let z = eta - row.offset + (row.y - mu) / d
            s.informative += 1
            let root = w.squareRoot()
            block.append(row.x.map { $0 * root } + [z * root])
            s.swz += w * z; s.sw += w
            s.pearson += row.prior * (row.y - mu) * (row.y - mu) / variance
            // The dispersion: the last QR's working weight with this working residual.
            if let weightsFrom {
                let (e0, m0) = predict(row, weightsFrom, family: family, link: link)
                let d0 = link.muEta(e0)
                let w0 = row.prior * d0 * d0 / family.variance(m0)
                let r = (row.y - mu) / d
                if w0 > 0 { s.dispersionSum += w0 * r * r }
            }
            // The AIC's sums at these means.
            let size = row.trials, k = (row.trials * row.y).rounded()
            s.aic.binomialByTrials += size > 0 ? (row.prior / size) * Family.logBinomial(k: k, n: size.rounded(), p: mu) : 0
            s.aic.binomialByWeights += Family.logBinomial(k: (row.prior * row.y).rounded(), n: row.prior.rounded(), p: mu)
            s.aic.poisson += row.prior * (Family.isNonInteger(row.y) ? -.infinity : row.y * log(mu) - mu - lgamma(row.y + 1))
            s.aic.sumLogPrior += log(row.prior)
            s.aic.sumPrior += row.prior
            s.aic.sumPriorLogMu += row.prior * log(mu)
            s.aic.sumPriorLogY += row.prior * log(row.y)
            s.aic.sumPriorYOverMu += row.prior * row.y / mu
            s.aic.rows += 1
            if row.trials > 1 { s.anyTrialsAboveOne = true }
            if (family == .binomial || family == .quasibinomial) && (mu > 1 - eps || mu < eps) { s.nearZeroOne = true }
            if (family == .poisson || family == .quasipoisson) && mu < eps { s.nearZeroRate = true }
            if family == .poisson && Family.isNonInteger(row.y) {
                s.nonIntegerCount += 1
                if s.nonIntegers.count < 10 { s.nonIntegers.append(row.y) }
            }
            if family == .binomial, row.trials != 1 || row.prior != 1 {
                let kk = row.y * row.trials
                if abs(kk - kk.rounded()) > 0.001 || abs(row.trials - row.trials.rounded()) > 0.001 { s.nonIntegerCounts = true }
            }
        }
        guard !block.isEmpty else { return }
        let m = block.count
        var data = [Double](repeating: 0, count: m * (p + 1))
        for (i, r) in block.enumerated() { for j in 0...p { data[i + j * m] = r[j] } }
        guard data.allSatisfy(\.isFinite) else { throw GLMError.nonFinite(iteration: 0) }
        try s.qr.add(block: data, rows: m)
    }

    /// R's AIC less 2 × rank from the pass's sums (nil for the quasi families).
    static func aic(_ a: AICSums, family: Family, deviance: Double, trialsAboveOne: Bool, trialsGiven: Bool) -> Double? {
        switch family {
        case .quasibinomial, .quasipoisson: return nil
        case .binomial: return -2 * (trialsGiven && trialsAboveOne ? a.binomialByTrials : a.binomialByWeights)
        case .poisson: return -2 * a.poisson
        case .gaussian:
            let n = Double(a.rows)
            return n * (log(deviance / n * 2 * Double.pi) + 1) + 2 - a.sumLogPrior
        case .gamma:
            let dispersion = deviance / a.sumPrior, shape = 1 / dispersion
            let s = a.sumPrior * (-lgamma(shape) - shape * log(dispersion)) - shape * a.sumPriorLogMu
                + (shape - 1) * a.sumPriorLogY - a.sumPriorYOverMu / dispersion
            return -2 * s + 2
        }
    }
}

extension StreamingGLM.Row {
    /// The row with only the design columns `columns` (a refit on a subset of them).
    func keeping(_ columns: [Int]) -> StreamingGLM.Row {
        .init(x: columns.map { x[$0] }, y: y, prior: prior, startWeight: startWeight, offset: offset, trials: trials, fileRow: fileRow)
    }
}
