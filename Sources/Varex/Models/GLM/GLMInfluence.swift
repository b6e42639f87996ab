import VarexLinearAlgebra

extension GeneralizedLinearFit {
    /// R's `dfbetas(fit)` for a GLM (`dfbetas.lm` on the last IRLS iteration's weighted QR):
    /// for row i, (XᵀWX)⁻¹x̃ᵢ·eᵢ/(1 − hᵢ) over σ₍ᵢ₎·√((XᵀWX)⁻¹)ⱼⱼ, with x̃ᵢ = √wᵢ·xᵢ (w the working
    /// weights), e the deviance residuals (`weighted.residuals`; those below 100ε × their median
    /// magnitude taken as 0, as `lm.influence`), h the hat values and σ₍ᵢ₎ = √((Σe² −
    /// eᵢ²/(1 − hᵢ))/(n − p − 1)) over the n rows of positive weight. A row of zero weight, and
    /// an aliased column, is NaN; a row of leverage 1 has 0 (R's `ifelse(hat == 1, 0, ...)`).
    public var dfbetas: Matrix {
        let p = coefficients.count
        var out = Matrix(rows: n, columns: p)
        let used = (0..<n).filter { priorWeights[$0] > 0 && workingWeights[$0] > 0 }
        var e = devianceResiduals
        let magnitudes = used.map { abs(e[$0]) }.sorted()
        let median = magnitudes.isEmpty ? 0
            : (magnitudes.count % 2 == 1 ? magnitudes[magnitudes.count / 2]
                : (magnitudes[magnitudes.count / 2 - 1] + magnitudes[magnitudes.count / 2]) / 2)
        for i in used where abs(e[i]) < 100 * Double.ulpOfOne * median { e[i] = 0 }
        var total = 0.0
        for i in used { total += e[i] * e[i] }
        let df = Double(used.count - rank - 1)
        let estimable = (0..<p).filter { !isAliased[$0] }
        let sd = (0..<p).map { unscaledCovariance[$0, $0].squareRoot() }
        for i in 0..<n { for j in 0..<p { out[i, j] = .nan } }
        for i in used {
            let h = leverage[i]
            let atOne = h >= 1 - 10 * Double.ulpOfOne
            let sigma = ((total - (atOne ? 0 : e[i] * e[i] / (1 - h))) / df).squareRoot()
            let root = workingWeights[i].squareRoot()
            for a in estimable {
                var v = 0.0
                for b in estimable { v += unscaledCovariance[a, b] * root * Double(design.x[i, b]) }
                out[i, a] = (atOne ? 0 : v * e[i] / (1 - h)) / (sigma * sd[a])
            }
        }
        return out
    }
}
