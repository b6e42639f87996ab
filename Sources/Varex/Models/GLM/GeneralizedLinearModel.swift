import VarexLinearAlgebra

/// Fits generalized linear models by R's iteratively reweighted least squares (`glm.fit`):
/// the same starting values, the same working response and weights, each step a weighted least
/// squares solve through the numeric module (Householder QR with R's pivoting), step halving
/// when the deviance is not finite or μ leaves its domain, and R's stopping rule
/// |dev − dev_old| / (|dev| + 0.1) < ε (ε = 1e-8, at most 25 iterations). Following R's path
/// exactly is what makes the coefficients, and the covariance taken from the last iteration's
/// QR, agree with R's to the last digits rather than to R's convergence tolerance.
public enum GeneralizedLinearModel {
    public static let epsilon = 1e-8
    public static let maximumIterations = 25

    /// `table`, the design's table, names the cell of a response outside the family's range.
    public static func fit(_ design: DesignMatrix, family: Family, link: Link? = nil,
                           tolerance: Double = QRFactorization.defaultTolerance, table: Table? = nil) throws -> GeneralizedLinearFit {
        let link = link ?? family.defaultLink
        guard family.links.contains(link) else { throw GLMError.linkNotAllowed(family: family, link: link) }
        if design.absorbed != nil { throw ModelError.absorbWithFamily }
        let n = design.y.count, p = design.columnNames.count
        if n == 0 { throw ModelError.allRowsDropped(total: design.tableRowCount, commonestReason: design.dropped.first?.reason ?? "no rows") }
        guard n >= p else { throw ModelError.tooFewRows(used: n, coefficients: p, dropped: design.dropped.count) }
        let (y, trials, prior, offset) = try response(design, family: family, table: table)
        let r = try irls(x: design.x.rounded, y: y, prior: prior, startWeights: design.trials == nil ? prior : trials, offset: offset,
                         family: family, link: link, tolerance: tolerance)
        let (solution, lastX, lastW, mu, eta) = (r.solution, r.lastX, r.lastW, r.mu, r.eta)
        let coefficients = r.coefficients, dev = r.deviance, iterations = r.iterations, converged = r.converged
        let aliased = solution.isAliased
        let unscaled: Matrix
        let leverage: [Double]
        do {
            unscaled = try LeastSquares.unscaledCovariance(of: solution, x: lastX)
            let h = try solution.leverage(of: lastX)
            var full = [Double](repeating: 0, count: n)
            var k = 0
            for i in 0..<n where lastW[i] > 0 { full[i] = min(h[k], 1); k += 1 }
            leverage = full.map { $0 > 1 - 10 * Double.ulpOfOne ? 1 : $0 }
        } catch let e as LinearAlgebraError {
            throw ModelError.numerical("the final IRLS solve: \(e)")
        }
        let working = (0..<n).map { (y[$0] - mu[$0]) / link.muEta(eta[$0]) }
        let nullDeviance = try Self.nullDeviance(design: design, family: family, link: link, y: y, prior: prior, trials: trials,
                                                 offset: offset, mu: mu, tolerance: tolerance)
        return GeneralizedLinearFit(design: design, family: family, link: link,
                                    coefficients: (0..<p).map { aliased[$0] ? .nan : coefficients[$0] }, isAliased: aliased,
                                    rank: solution.rank, y: y, priorWeights: prior, trials: trials, offset: offset, mu: mu, eta: eta,
                                    workingWeights: lastW, workingResiduals: working, deviance: dev, nullDeviance: nullDeviance,
                                    iterations: iterations, converged: converged, unscaledCovariance: unscaled, leverage: leverage,
                                    tolerance: tolerance)
    }

    /// The response as a GLM fits it, checked as R's `initialize` checks it: y (a proportion for
    /// a binomial response), the binomial trials (1 unless cbind), the prior weights (weights ×
    /// trials) and the offset (0 without one).
    static func response(_ design: DesignMatrix, family: Family, table: Table?) throws
        -> (y: [Double], trials: [Double], prior: [Double], offset: [Double]) {
        let n = design.y.count
        if design.trials != nil && !(family == .binomial || family == .quasibinomial) {
            throw GLMError.countPairNeedsBinomial(family: family)
        }
        let y = design.y.map { Double($0) }
        let trials = design.trials?.map { Double($0) } ?? [Double](repeating: 1, count: n)
        let prior = (0..<n).map { i in (design.weights.map { Double($0[i]) } ?? 1) * (design.trials == nil ? 1 : trials[i]) }
        for i in 0..<n {
            if let problem = family.check(y: y[i]) {
                throw GLMError.invalidResponse(row: design.rows[i], message: problem,
                                               location: table?.location(row: design.rows[i], column: design.responseLabel))
            }
        }
        return (y, trials, prior, design.offset?.map { Double($0) } ?? [Double](repeating: 0, count: n))
    }

    /// The state at the end of R's IRLS.
    struct IRLSResult {
        /// Coefficients (0 for aliased columns, as R's dqrls leaves them).
        let coefficients: [Double]
        let solution: LeastSquaresSolution
        /// The last iteration's weighted design and working weights (by row, 0 where unused).
        let lastX: Matrix
        let lastW: [Double]
        let mu: [Double]
        let eta: [Double]
        let deviance: Double
        let iterations: Int
        let converged: Bool
    }

    /// R's `glm.fit` loop on the design `x` (rows × columns, double), from R's starting means.
    /// `startWeights` are the n of R's binomial start (n y + 0.5)/(n + 1): the trials for a cbind
    /// response, the prior weights otherwise.
    static func irls(x: Matrix, y: [Double], prior: [Double], startWeights: [Double], offset: [Double], family: Family, link: Link,
                     tolerance: Double) throws -> IRLSResult {
        let n = y.count, p = x.columns
        var mu = (0..<n).map { family.start(y: y[$0], weight: startWeights[$0]) }
        var eta = mu.map(link.eta)
        func deviance(_ m: [Double]) -> Double {
            var d = 0.0
            for i in 0..<n { d += family.unitDeviance(y: y[i], mu: m[i], weight: prior[i]) }
            return d
        }
        var devOld = deviance(mu)
        var coefficients = [Double](repeating: 0, count: p)
        var previous: [Double]? = nil
        var lastSolution: LeastSquaresSolution? = nil
        var lastX = x
        var lastW = [Double](repeating: 0, count: n)
        var converged = false
        var iterations = 0
        var dev = devOld
        for iteration in 1...maximumIterations {
            iterations = iteration
            // Working response and weights on the rows with a positive weight and dμ/dη ≠ 0.
            var good: [Int] = []
            var z: [Double] = [], w: [Double] = []
            for i in 0..<n {
                let d = link.muEta(eta[i])
                guard prior[i] > 0, d != 0 else { continue }
                good.append(i)
                z.append(eta[i] - offset[i] + (y[i] - mu[i]) / d)
                w.append((prior[i] * d * d / family.variance(mu[i])).squareRoot())
            }
            guard !good.isEmpty else { throw GLMError.noInformativeRows }
            var xw = Matrix(rows: good.count, columns: p)
            for j in 0..<p { for (k, i) in good.enumerated() { xw[k, j] = x[i, j] * w[k] } }
            let zw = zip(z, w).map { $0 * $1 }
            guard xw.storage.allSatisfy(\.isFinite), zw.allSatisfy(\.isFinite) else {
                throw GLMError.nonFinite(iteration: iteration)
            }
            let solution: LeastSquaresSolution
            do { solution = try LeastSquares.solve(xw, zw, tolerance: tolerance) } catch let e as LinearAlgebraError {
                throw ModelError.numerical("IRLS iteration \(iteration): \(e)")
            }
            var start = solution.coefficients.map { $0.isNaN ? 0 : $0 }
            lastSolution = solution
            lastX = xw
            lastW = [Double](repeating: 0, count: n)
            for (k, i) in good.enumerated() { lastW[i] = w[k] * w[k] }
            func predictor(_ b: [Double]) -> [Double] {
                (0..<n).map { i in var s = offset[i]; for j in 0..<p { s += x[i, j] * b[j] }; return s }
            }
            eta = predictor(start)
            mu = eta.map(link.mu)
            dev = deviance(mu)
            // Step halving: a non-finite deviance, or η or μ outside the family's domain.
            var halvings = 0
            while !dev.isFinite || !eta.allSatisfy(link.isValid(eta:)) || !mu.allSatisfy(family.isValid(mu:)) {
                guard let old = previous, halvings < maximumIterations else { throw GLMError.noValidCoefficients }
                halvings += 1
                start = zip(start, old).map { ($0 + $1) / 2 }
                eta = predictor(start)
                mu = eta.map(link.mu)
                dev = deviance(mu)
            }
            coefficients = start
            if abs(dev - devOld) / (abs(dev) + 0.1) < epsilon { converged = true; break }
            devOld = dev
            previous = start
        }
        guard let solution = lastSolution else { throw GLMError.noValidCoefficients }
        return IRLSResult(coefficients: coefficients, solution: solution, lastX: lastX, lastW: lastW, mu: mu, eta: eta,
                          deviance: dev, iterations: iterations, converged: converged)
    }

    /// The deviance of the fit's GLM refitted on the design columns `columns` only (with its
    /// weights and offset): what the deviance-explained shares of `explain` compare.
    public static func deviance(of fit: GeneralizedLinearFit, columns: [Int]) throws -> Double {
        try refit(fit, columns: columns).deviance
    }

    /// The fit's GLM refitted on the design columns `columns` (with its weights and offset,
    /// from R's starting values, as `glm.fit` on those columns): its deviance and residual df.
    public static func refit(_ fit: GeneralizedLinearFit, columns: [Int]) throws -> (deviance: Double, dfResidual: Int) {
        let full = fit.design.x.rounded
        var x = Matrix(rows: full.rows, columns: columns.count)
        for (k, j) in columns.enumerated() { for i in 0..<full.rows { x[i, k] = full[i, j] } }
        let r = try irls(x: x, y: fit.y, prior: fit.priorWeights, startWeights: fit.design.trials == nil ? fit.priorWeights : fit.trials,
                         offset: fit.offset, family: fit.family, link: fit.link, tolerance: fit.tolerance)
        return (r.deviance, fit.priorWeights.filter { $0 > 0 }.count - (columns.isEmpty ? 0 : r.solution.rank))
    }

    /// R's null deviance: about the weighted mean with an intercept and no offset; with an
    /// offset and an intercept, the deviance of the intercept-only fit with that offset (R
    /// refits it, starting from the full fit's means); without an intercept, at μ = g⁻¹(offset).
    static func nullDeviance(design: DesignMatrix, family: Family, link: Link, y: [Double], prior: [Double], trials: [Double],
                             offset: [Double], mu: [Double], tolerance: Double) throws -> Double {
        let n = y.count
        func deviance(_ m: (Int) -> Double) -> Double {
            var d = 0.0
            for i in 0..<n { d += family.unitDeviance(y: y[i], mu: m(i), weight: prior[i]) }
            return d
        }
        guard design.formula.hasIntercept else { return deviance { link.mu(offset[$0]) } }
        if design.offset == nil {
            var sw = 0.0, swy = 0.0
            for i in 0..<n { sw += prior[i]; swy += prior[i] * y[i] }
            let mean = swy / sw
            return deviance { _ in mean }
        }
        // Intercept only, with the offset: IRLS from the full fit's means.
        var m = mu
        var eta = m.map(link.eta)
        var devOld = deviance { m[$0] }
        var b = 0.0
        for _ in 1...maximumIterations {
            var swz = 0.0, sw = 0.0
            for i in 0..<n {
                let d = link.muEta(eta[i])
                guard prior[i] > 0, d != 0 else { continue }
                let z = eta[i] - offset[i] + (y[i] - m[i]) / d
                let w = prior[i] * d * d / family.variance(m[i])
                swz += w * z; sw += w
            }
            b = swz / sw
            eta = offset.map { $0 + b }
            m = eta.map(link.mu)
            let dev = deviance { m[$0] }
            if abs(dev - devOld) / (abs(dev) + 0.1) < epsilon { return dev }
            devOld = dev
        }
        return devOld
    }
}

/// Problems particular to a GLM fit.
public enum GLMError: VarexError, Equatable {
    case linkNotAllowed(family: Family, link: Link)
    case countPairNeedsBinomial(family: Family)
    /// A response value outside the family's range: its row (0-based among the table's rows)
    /// and, where the table is known, its cell.
    case invalidResponse(row: Int, message: String, location: CellLocation?)
    case noValidCoefficients
    case noInformativeRows
    case nonFinite(iteration: Int)

    public var exitCode: Int32 {
        switch self {
        case .noValidCoefficients, .nonFinite: return 2
        default: return 1
        }
    }

    public var description: String {
        switch self {
        case let .linkNotAllowed(family, link):
            return "the \(family.rawValue) family takes the links \(family.links.map(\.rawValue).joined(separator: ", ")), not \(link.rawValue)"
        case let .countPairNeedsBinomial(family):
            return "a cbind(successes, failures) response is for the binomial families, not \(family.rawValue)"
        case let .invalidResponse(row, message, location):
            return location.map { "\($0): \(message)" } ?? "row \(row + 1): \(message)"
        case .noValidCoefficients:
            return "no valid set of coefficients has been found (IRLS could not keep the means in the family's range)"
        case .noInformativeRows:
            return "no row has a positive weight and a non-zero derivative of the mean: nothing to fit"
        case let .nonFinite(iteration):
            return "numerical failure: the working response or weights are not finite at IRLS iteration \(iteration)"
        }
    }
}
