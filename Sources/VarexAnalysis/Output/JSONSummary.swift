import Varex
/// The JSON summary of a linear fit: the keys every model shares (``ModelJSON``: `kind`
/// linear, absorbed or streamed, `formula, n, n_dropped, df_residual, covariance,
/// coefficients` each `term, estimate, std_error, statistic, df, p_value, ci_low, ci_high`,
/// `log_likelihood, aic, bic, deviance, warnings`), then `rank, sigma, r_squared,
/// adj_r_squared, f_statistic, f_p_value`, `clusters` (each `column, count`) when clustered,
/// `absorbed` (each `factor, levels`), `absorbed_terms` (each `term, by`) and
/// `absorbed_parameters` with `--absorb`, and `anova` (the sequential and Type II tables, each
/// row `term, df, sum_sq, mean_sq, f, p_value`, and `type_ii_se`) when asked for. Numbers
/// have round-trip precision; not-estimable or undefined values are `null`.
public enum JSONSummary {
    public static func render(_ s: FitSummary, kind: ModelKind? = nil) -> String {
        let df: [Double?] = s.coefficients.map { c in
            c.isAliased ? nil : (s.covarianceType == .cr2 ? c.degreesOfFreedom : Double(s.testDegreesOfFreedom))
        }
        let common = ModelJSON(kind: kind ?? (s.absorbed.isEmpty ? .linear : .absorbed), formula: s.formula, n: s.n, nDropped: s.dropped.count,
                               dfResidual: Double(s.dfResidual), covariance: s.covarianceType, coefficients: s.coefficients,
                               degreesOfFreedom: df, logLikelihood: s.logLikelihood, aic: s.aic, bic: s.bic, deviance: s.deviance,
                               warnings: s.warnings)
        var o = "{\n" + common.members + ",\n"
        o += "  \"rank\": \(s.rank),\n"
        o += "  \"sigma\": \(number(s.sigma)),\n"
        o += "  \"r_squared\": \(number(s.rSquared)),\n"
        o += "  \"adj_r_squared\": \(number(s.adjustedRSquared)),\n"
        o += "  \"f_statistic\": \(number(s.overall?.statistic ?? .nan)),\n"
        o += "  \"f_p_value\": \(number(s.overall?.pValue ?? .nan))"
        if !s.clusters.isEmpty {
            o += ",\n  \"clusters\": [" + s.clusters.map { "{\"column\": \(string($0.name)), \"count\": \($0.count)}" }.joined(separator: ", ") + "]"
        }
        if !s.absorbed.isEmpty {
            o += ",\n  \"absorbed\": [" + s.absorbed.map { "{\"factor\": \(string($0.name)), \"levels\": \($0.levels)}" }.joined(separator: ", ")
                + "],\n  \"absorbed_parameters\": \(s.absorbedParameters)"
            o += ",\n  \"absorbed_terms\": [" + s.absorbedTerms.map {
                "{\"term\": \(string($0.term)), \"by\": [" + $0.by.map(string).joined(separator: ", ") + "]}"
            }.joined(separator: ", ") + "]"
        }
        if let a = s.anova {
            o += ",\n  \"anova\": {\"sequential\": \(AnovaText.json(a.sequential)),\n    \"type_ii\": \(AnovaText.json(a.typeII)), "
                + "\"type_ii_se\": \(string(a.typeII.covariance.rawValue))}"
        }
        o += "\n}\n"
        return o
    }

    /// A number with round-trip precision, or `null` when not finite.
    public static func number(_ x: Double) -> String { x.isFinite ? x.description : "null" }

    /// A JSON string literal.
    public static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
