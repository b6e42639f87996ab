import VarexLinearAlgebra

extension GeneralizedLinearFit {
    /// The estimable coefficients' indices.
    public var estimable: [Int] { (0..<coefficients.count).filter { !isAliased[$0] } }

    /// The covariance of the coefficients (p × p, NaN for aliased): `classical` is
    /// dispersion × (XᵀWX)⁻¹ (`vcov(fit)`); HC0 … HC5 match `sandwich::vcovHC(fit, type)` on a
    /// glm, CR0 and CR1 `sandwich::vcovCL(fit, cluster, type = "HC0", cadjust = FALSE)` and
    /// `type = "HC1"`. The sandwich is (XᵀWX)⁻¹ [Σ (wᵢ zᵢ)² ωᵢ xᵢxᵢᵀ] (XᵀWX)⁻¹ with W the
    /// working weights and z the working residuals: the dispersion cancels, so it is the same
    /// for a family with a fixed dispersion and its quasi- twin. CR2 is clubSandwich's
    /// (``GLMBellMcCaffrey``).
    public func covariance(_ type: CovarianceType) throws -> Matrix {
        switch type {
        case .classical: return covariance
        case .cr2: return try GLMBellMcCaffrey(fit: self).covariance
        case .cr0, .cr1:
            guard !design.clusters.isEmpty else { throw ModelError.needsCluster(type.rawValue) }
            try design.checkClusterCounts()
            return Sandwich.expand(try sandwich().clustered(type, clusters: design.clusters), estimable: estimable, to: coefficients.count)
        case .hc0, .hc1, .hc2, .hc3, .hc4, .hc4m, .hc5:
            return Sandwich.expand(try sandwich().heteroskedasticityConsistent(type), estimable: estimable, to: coefficients.count)
        }
    }

    /// Influence directions xᵢ (XᵀWX)⁻¹ and score residuals wᵢ zᵢ (`sandwich::estfun.glm`
    /// without its division by the dispersion, which the bread's multiplication undoes).
    func sandwich() throws -> Sandwich {
        let est = estimable
        var u = Matrix(rows: est.count, columns: est.count)
        for (a, ja) in est.enumerated() { for (b, jb) in est.enumerated() { u[a, b] = unscaledCovariance[ja, jb] } }
        let x = est.count == coefficients.count ? design.x : design.x.selecting(est)
        let directions = try x.rounded.multiplied(by: u)
        let scores = (0..<n).map { workingWeights[$0] * workingResiduals[$0] }
        return Sandwich(directions: directions, residuals: scores.map { $0.isFinite ? $0 : 0 }, leverage: leverage, parameters: rank)
    }

    /// The df of a t test with covariance `type` (families with an estimated dispersion):
    /// the residual df, or G − 1 clusters when clustered (as a linear model's, unless the
    /// design asks for the residual df).
    public func testDegreesOfFreedom(_ type: CovarianceType) -> Int {
        type.isClustered ? design.clusteredTestDegreesOfFreedom(residual: dfResidual) : dfResidual
    }

    /// `summary.glm`'s table with covariance `type`: estimate, SE, z (binomial, Poisson) or t
    /// (on ``testDegreesOfFreedom(_:)``) and its two-sided p-value, and `level` Wald intervals
    /// with the same quantile (as `lmtest::coeftest` and `coefci` with that covariance). Under
    /// CR2 every family's coefficient is tested by t on its own Satterthwaite df, as
    /// clubSandwich's `coef_test`.
    public func coefficientTable(covariance type: CovarianceType = .classical, level: Double = 0.95) throws -> [CoefficientRow] {
        let cr2 = type == .cr2 ? try GLMBellMcCaffrey(fit: self) : nil
        let v = try cr2?.covariance ?? covariance(type)
        let t = StudentT(df: Double(testDegreesOfFreedom(type)))
        let q = family.usesZ ? Normal.quantile(1 - (1 - level) / 2) : t.quantile(1 - (1 - level) / 2)
        return terms.indices.map { j in
            let b = coefficients[j]
            guard !b.isNaN else { return .aliased(terms[j]) }
            let se = v[j, j].squareRoot()
            let z = b / se
            if let cr2 {
                let satt = StudentT(df: cr2.degreesOfFreedom[j]), tq = satt.quantile(1 - (1 - level) / 2)
                return CoefficientRow(term: terms[j], estimate: b, standardError: se, t: z, pValue: satt.twoSidedPValue(z),
                                      confidenceLow: b - tq * se, confidenceHigh: b + tq * se, degreesOfFreedom: cr2.degreesOfFreedom[j])
            }
            let p = family.usesZ ? 2 * Normal.survival(abs(z)) : t.twoSidedPValue(z)
            return CoefficientRow(term: terms[j], estimate: b, standardError: se, t: z, pValue: p,
                                  confidenceLow: b - q * se, confidenceHigh: b + q * se)
        }
    }
}
