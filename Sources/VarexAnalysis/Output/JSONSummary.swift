import Varex
/// The JSON summary of a fit, with exactly the keys `formula, n, n_dropped, rank, df_residual,
/// coefficients` (each `term, estimate, std_error, t, p_value, ci_low, ci_high`), `sigma,
/// r_squared, adj_r_squared, f_statistic, f_p_value, log_likelihood, aic, bic, se_type`, and
/// `anova` (the sequential and Type II tables, each row `term, df, sum_sq, mean_sq, f, p_value`,
/// and `type_ii_se`) when asked for, `absorbed` (each `factor, levels`), `absorbed_terms` (each `term, by`: terms the factors take entirely) and `absorbed_parameters`
/// with `--absorb`, and `warnings` (R's warnings, in its words) when there are any.
/// Numbers have round-trip precision; not-estimable or undefined values are `null`.
public enum JSONSummary {
    public static func render(_ s: FitSummary) -> String {
        var o = "{\n"
        o += "  \"formula\": \(string(s.formula)),\n"
        o += "  \"n\": \(s.n),\n"
        o += "  \"n_dropped\": \(s.dropped.count),\n"
        o += "  \"rank\": \(s.rank),\n"
        o += "  \"df_residual\": \(s.dfResidual),\n"
        o += "  \"coefficients\": [\n"
        o += s.coefficients.map { c in
            "    {\"term\": \(string(c.term)), \"estimate\": \(number(c.estimate)), \"std_error\": \(number(c.standardError)), "
                + "\"t\": \(number(c.t)), \"p_value\": \(number(c.pValue)), \"ci_low\": \(number(c.confidenceLow)), "
                + "\"ci_high\": \(number(c.confidenceHigh))"
                + (s.covarianceType == .cr2 ? ", \"df\": \(number(c.degreesOfFreedom))" : "") + "}"
        }.joined(separator: ",\n")
        o += "\n  ],\n"
        o += "  \"sigma\": \(number(s.sigma)),\n"
        o += "  \"r_squared\": \(number(s.rSquared)),\n"
        o += "  \"adj_r_squared\": \(number(s.adjustedRSquared)),\n"
        o += "  \"f_statistic\": \(number(s.overall?.statistic ?? .nan)),\n"
        o += "  \"f_p_value\": \(number(s.overall?.pValue ?? .nan)),\n"
        o += "  \"log_likelihood\": \(number(s.logLikelihood)),\n"
        o += "  \"aic\": \(number(s.aic)),\n"
        o += "  \"bic\": \(number(s.bic)),\n"
        o += "  \"se_type\": \(string(s.covarianceType.rawValue))"
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
        if !s.warnings.isEmpty { o += ",\n  \"warnings\": [" + s.warnings.map(string).joined(separator: ", ") + "]" }
        o += "\n"
        o += "}\n"
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
