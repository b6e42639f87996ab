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
    /// A linear fit's own keys.
    struct Linear: Encodable, Sendable {
        struct Cluster: Encodable, Sendable { let column: String, count: Int }
        struct Absorbed: Encodable, Sendable { let factor: String, levels: Int }
        struct AbsorbedTerm: Encodable, Sendable { let term: String, by: [String] }
        struct Anova: Encodable, Sendable {
            let sequential, typeII: [AnovaText.Row]
            let typeIISe: String
        }
        let rank: Int
        let sigma, rSquared, adjRSquared, fStatistic, fPValue: JSONNumber
        let clusters: [Cluster]?
        let absorbed: [Absorbed]?
        let absorbedParameters: Int?
        let absorbedTerms: [AbsorbedTerm]?
        let anova: Anova?
    }

    /// The summary as one encodable value (`fit` in an explanation's JSON).
    /// The keys a linear fit's summary shares with every model's.
    public static func common(_ s: FitSummary, kind: ModelKind? = nil) -> ModelJSON {
        let df: [Double?] = s.coefficients.map { c in
            c.isAliased ? nil : (s.covarianceType == .cr2 ? c.degreesOfFreedom : Double(s.testDegreesOfFreedom))
        }
        return ModelJSON(kind: kind ?? (s.absorbed.isEmpty ? .linear : .absorbed), formula: s.formula, n: s.n, nDropped: s.dropped.count,
                         dfResidual: Double(s.dfResidual), covariance: s.covarianceType, coefficients: s.coefficients,
                         degreesOfFreedom: df, logLikelihood: s.logLikelihood, aic: s.aic, bic: s.bic, deviance: s.deviance,
                         warnings: s.warnings)
    }

    static func document(_ s: FitSummary, kind: ModelKind? = nil) -> JSONMerged<ModelJSON, Linear> {
        let common = common(s, kind: kind)
        let absorbed = !s.absorbed.isEmpty
        let own = Linear(rank: s.rank, sigma: JSONNumber(s.sigma), rSquared: JSONNumber(s.rSquared), adjRSquared: JSONNumber(s.adjustedRSquared),
                         fStatistic: JSONNumber(s.overall?.statistic), fPValue: JSONNumber(s.overall?.pValue),
                         clusters: s.clusters.isEmpty ? nil : s.clusters.map { .init(column: $0.name, count: $0.count) },
                         absorbed: absorbed ? s.absorbed.map { .init(factor: $0.name, levels: $0.levels) } : nil,
                         absorbedParameters: absorbed ? s.absorbedParameters : nil,
                         absorbedTerms: absorbed ? s.absorbedTerms.map { .init(term: $0.term, by: $0.by) } : nil,
                         anova: s.anova.map { .init(sequential: AnovaText.rows($0.sequential), typeII: AnovaText.rows($0.typeII),
                                                    typeIISe: $0.typeII.covariance.rawValue) })
        return JSONMerged(common, own)
    }

    public static func render(_ s: FitSummary, kind: ModelKind? = nil) throws -> String {
        try JSONOutput.text(document(s, kind: kind))
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
