import Varex

/// The per-unit table and the text summary of a stochastic frontier.
public enum FrontierTable {
    /// Every row of the file in place: efficiency (Battese–Coelli E[exp(−u)|e]) with its
    /// Horrace–Schmidt interval, rank (1 = best), Jondrow et al.'s E[u|e], the composed residual
    /// and the frontier xβ; a row left out has its reason.
    public static func table(_ a: StochasticFrontierAnalysis) -> OutputTable {
        let fit = a.fit
        let interval = fit.efficiencyInterval(level: a.request.level)
        let ranks = a.ranks, u = fit.inefficiency, e = fit.compositeResiduals, eff = fit.efficiency
        let beta = fit.coefficients
        let columns = ["efficiency", "efficiency_low", "efficiency_high", "rank", "inefficiency", "residual", "frontier"]
        let cells = (0..<fit.data.count).map { i -> [Cell] in
            let frontier = zip(fit.data.x[i], beta).reduce(0) { $0 + $1.0 * $1.1 }
            return [.number(eff[i]), .number(interval[i].low), .number(interval[i].high), .integer(ranks[i]),
                    .number(u[i]), .number(fit.model.side.sign * e[i]), .number(frontier)]
        }
        return a.data.perRowTable(columns: columns, used: a.rows, cells: cells, leftOut: a.leftOut)
    }

    /// The estimates with SEs, z and p; σ², γ (or the scale terms), the log-likelihoods and the
    /// test of no inefficiency; the mean efficiency.
    public static func summary(_ a: StochasticFrontierAnalysis) -> String {
        let fit = a.fit
        var lines: [String] = []
        let side = fit.model.side == .cost ? "cost" : "production"
        lines.append("Stochastic \(side) frontier, u \(fit.model.distribution.rawValue): \(a.data.request.formula)")
        lines.append("\(fit.data.count) units; maximum likelihood in \(fit.iterations) Newton steps from corrected OLS")
        lines.append("")
        let se = fit.standardErrors
        let width = max(12, fit.parameterNames.map(\.count).max() ?? 0)
        lines.append("term".padding(toLength: width, withPad: " ", startingAt: 0) + "     estimate    std.error      z value   Pr(>|z|)")
        for (k, name) in fit.parameterNames.enumerated() {
            let z = fit.parameters[k] / se[k]
            let p = 2 * Normal.survival(abs(z))
            lines.append(name.padding(toLength: width, withPad: " ", startingAt: 0)
                         + [fit.parameters[k], se[k], z].map { NumberFormat.significant($0, 6).leftPadded(13) }.joined()
                         + NumberFormat.significant(p, 3).leftPadded(11))
        }
        lines.append("")
        if let sg = fit.sigmaSquaredAndGamma {
            lines.append("sigma² = σv² + σu² = \(NumberFormat.significant(sg.sigma2, 6)) (SE \(NumberFormat.significant(sg.sigma2SE, 4))); "
                         + "gamma = σu²/σ² = \(NumberFormat.significant(sg.gamma, 6)) (SE \(NumberFormat.significant(sg.gammaSE, 4)))")
        }
        lines.append("log-likelihood \(NumberFormat.significant(fit.logLikelihood, 8)); OLS (no inefficiency) \(NumberFormat.significant(fit.olsLogLikelihood, 8))")
        lines.append("LR test of no inefficiency: \(NumberFormat.significant(fit.inefficiencyLR, 6)) on \(fit.inefficiencyRestrictions) restriction\(fit.inefficiencyRestrictions == 1 ? "" : "s"), "
                     + "p = \(NumberFormat.significant(fit.inefficiencyPValue, 4)) (mixed χ², Kodde and Palm 1986; 5% critical value "
                     + "\(NumberFormat.significant(MixedChiSquared.critical(alpha: 0.05, restrictions: fit.inefficiencyRestrictions), 4)))")
        let eff = fit.efficiency
        lines.append("mean efficiency \(NumberFormat.significant(eff.reduce(0, +) / Double(eff.count), 4)) (Battese–Coelli E[exp(−u)|e]; "
                     + "intervals at \(NumberFormat.significant(a.request.level * 100, 3))% by Horrace and Schmidt)")
        if !a.leftOut.isEmpty { lines.append("\(a.leftOut.count) left out (\(TextSummary.reasons(a.leftOut)))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
