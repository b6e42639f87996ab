import Varex

/// The per-unit table and the text summary of a stochastic frontier.
public enum FrontierTable {
    /// Every row of the file in place: efficiency (Battese–Coelli E[exp(−u)|e]) with its
    /// Horrace–Schmidt interval, rank (1 = best), Jondrow et al.'s E[u|e], the composed residual
    /// and the frontier xβ, and with rank draws the median rank and rank interval
    /// (``FrontierRanks``); a row left out has its reason.
    public static func table(_ a: StochasticFrontierAnalysis) -> OutputTable {
        let fit = a.fit
        let interval = fit.efficiencyInterval(level: a.request.level)
        let ranks = a.ranks, u = fit.inefficiency, e = fit.compositeResiduals, eff = fit.efficiency
        let beta = fit.coefficients
        var columns = ["efficiency", "efficiency_low", "efficiency_high", "rank", "inefficiency", "residual", "frontier"]
        if a.rankDraws != nil { columns += ["median_rank", "rank_low", "rank_high"] }
        let cells = (0..<fit.data.count).map { i -> [Cell] in
            let frontier = zip(fit.data.x[i], beta).reduce(0) { $0 + $1.0 * $1.1 }
            var row: [Cell] = [.number(eff[i]), .number(interval[i].low), .number(interval[i].high), .integer(ranks[i]),
                               .number(u[i]), .number(fit.model.side.sign * e[i]), .number(frontier)]
            if let d = a.rankDraws { row += [.number(d.rankMedian[i]), .integer(d.rankLow[i]), .integer(d.rankHigh[i])] }
            return row
        }
        return a.data.perRowTable(columns: columns, used: a.rows, cells: cells, leftOut: a.leftOut)
    }

    /// A panel frontier's table: as the cross-section's, a row per unit and period, ranks within
    /// the period.
    public static func table(_ a: PanelFrontierAnalysis) -> OutputTable {
        let fit = a.fit
        let interval = fit.efficiencyInterval(level: a.level)
        let ranks = a.ranks, u = fit.inefficiencyEstimates, eff = fit.efficiency, beta = fit.coefficients
        let columns = ["period", "efficiency", "efficiency_low", "efficiency_high", "rank_in_period", "inefficiency", "residual", "frontier"]
        let cells = (0..<fit.data.count).map { i -> [Cell] in
            let frontier = zip(fit.data.x[i], beta).reduce(0) { $0 + $1.0 * $1.1 }
            return [.text(a.periods[i]), .number(eff[i]), .number(interval[i].low), .number(interval[i].high), .integer(ranks[i]),
                    .number(u[i]), .number(fit.data.y[i] - frontier), .number(frontier)]
        }
        return OutputTable.perRow(ids: RowIDs(a.unitCells), idName: a.unitColumn, labels: a.data.labels, labelName: a.data.request.label,
                                  columns: columns, used: a.rows, cells: cells, leftOut: a.leftOut)
    }

    public static func summary(_ a: PanelFrontierAnalysis) -> String {
        let fit = a.fit
        let kind = fit.inefficiency == .timeInvariant ? "time-invariant inefficiency (Pitt and Lee 1981)"
            : "time-varying inefficiency uᵢₜ = exp(−η(t − T))uᵢ (Battese and Coelli 1992)"
        return summary(fit, formula: a.data.request.formula, count: "\(fit.unitNames.count) units, \(fit.data.count) observations; \(kind)",
                       extra: nil, level: a.level, leftOut: a.leftOut)
    }

    /// The estimates with SEs, z and p; σ², γ (or the scale terms), the log-likelihoods and the
    /// test of no inefficiency; the mean efficiency.
    public static func summary(_ a: StochasticFrontierAnalysis) -> String {
        let sg = a.fit.sigmaSquaredAndGamma.map {
            "sigma² = σv² + σu² = \(NumberFormat.significant($0.sigma2, 6)) (SE \(NumberFormat.significant($0.sigma2SE, 4))); "
                + "gamma = σu²/σ² = \(NumberFormat.significant($0.gamma, 6)) (SE \(NumberFormat.significant($0.gammaSE, 4)))"
        }
        return summary(a.fit, formula: a.data.request.formula, count: "\(a.fit.data.count) units", extra: sg, level: a.request.level, leftOut: a.leftOut)
    }

    /// The summary of any frontier fit: `count` says what was fitted, `extra` a line after the table.
    public static func summary(_ fit: FrontierEstimates, formula: String, count: String, extra: String?, level: Double, leftOut: [DroppedRow]) -> String {
        var lines: [String] = []
        let side = fit.model.side == .cost ? "cost" : "production"
        lines.append("Stochastic \(side) frontier, u \(fit.model.distribution.rawValue): \(formula)")
        lines.append("\(count); maximum likelihood in \(fit.iterations) Newton steps from corrected OLS")
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
        if let extra { lines.append(extra) }
        lines.append("log-likelihood \(NumberFormat.significant(fit.logLikelihood, 8)); OLS (no inefficiency) \(NumberFormat.significant(fit.olsLogLikelihood, 8))")
        lines.append("LR test of no inefficiency: \(NumberFormat.significant(fit.inefficiencyLR, 6)) on \(fit.inefficiencyRestrictions) restriction\(fit.inefficiencyRestrictions == 1 ? "" : "s"), "
                     + "p = \(NumberFormat.significant(fit.inefficiencyPValue, 4)) (mixed χ², Kodde and Palm 1986; 5% critical value "
                     + "\(NumberFormat.significant(MixedChiSquared.critical(alpha: 0.05, restrictions: fit.inefficiencyRestrictions), 4)))")
        let eff = fit.efficiency
        lines.append("mean efficiency \(NumberFormat.significant(eff.reduce(0, +) / Double(eff.count), 4)) (Battese–Coelli E[exp(−u)|e]; "
                     + "intervals at \(NumberFormat.significant(level * 100, 3))% by Horrace and Schmidt)")
        if !leftOut.isEmpty { lines.append("\(leftOut.count) left out (\(TextSummary.reasons(leftOut)))") }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}
