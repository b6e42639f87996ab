import Foundation
import Varex

/// The keys every model summary in JSON shares, whatever the kind (broom's `glance` and `tidy`):
/// `kind, formula, n, n_dropped, df_residual, covariance, coefficients` (each `term, estimate,
/// std_error, statistic, df, p_value, ci_low, ci_high`), `log_likelihood, aic, bic, deviance,
/// warnings`; each kind's own keys sit beside them in the same object (``JSONMerged``).
/// Undefined numbers are `null`. `schema/varex-output.schema.json` describes them and the
/// tests validate every summary against it.
public struct ModelJSON: Sendable, Encodable {
    public var kind: ModelKind
    public var formula: String
    public var n: Int
    public var nDropped: Int
    public var dfResidual: Double?
    public var covariance: CovarianceType
    public var coefficients: [CoefficientRow]
    /// Each coefficient's test df (nil: a z test, or none).
    public var degreesOfFreedom: [Double?]
    public var logLikelihood: Double?
    public var aic: Double?
    public var bic: Double?
    public var deviance: Double?
    public var warnings: [String]

    /// The shared part of a fitted model's summary, read through ``FittedModel``.
    public init(kind: ModelKind, formula: String, model: some FittedModel, nDropped: Int, covariance: CovarianceType,
                coefficients: [CoefficientRow], degreesOfFreedom: [Double?], warnings: [String]) {
        self.init(kind: kind, formula: formula, n: model.observationCount, nDropped: nDropped, dfResidual: model.residualDegreesOfFreedom,
                  covariance: covariance, coefficients: coefficients, degreesOfFreedom: degreesOfFreedom,
                  logLikelihood: model.logLikelihoodValue, aic: model.aicValue, bic: model.bicValue, deviance: model.devianceValue,
                  warnings: warnings)
    }

    public init(kind: ModelKind, formula: String, n: Int, nDropped: Int, dfResidual: Double?, covariance: CovarianceType,
                coefficients: [CoefficientRow], degreesOfFreedom: [Double?], logLikelihood: Double?, aic: Double?, bic: Double?,
                deviance: Double?, warnings: [String]) {
        self.kind = kind
        self.formula = formula
        self.n = n
        self.nDropped = nDropped
        self.dfResidual = dfResidual
        self.covariance = covariance
        self.coefficients = coefficients
        self.degreesOfFreedom = degreesOfFreedom
        self.logLikelihood = logLikelihood
        self.aic = aic
        self.bic = bic
        self.deviance = deviance
        self.warnings = warnings
    }

    /// A coefficient row in broom's columns.
    struct Coefficient: Encodable {
        let term: String
        let estimate, stdError, statistic, df, pValue, ciLow, ciHigh: JSONNumber
    }

    enum CodingKeys: String, CodingKey {
        case kind, formula, n, nDropped, dfResidual, covariance, coefficients, logLikelihood, aic, bic, deviance, warnings
    }

    /// The shared keys: `kind, formula, n, n_dropped, df_residual, covariance, coefficients`
    /// (each `term, estimate, std_error, statistic, df, p_value, ci_low, ci_high`),
    /// `log_likelihood, aic, bic, deviance, warnings`; `null` where undefined.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(formula, forKey: .formula)
        try c.encode(n, forKey: .n)
        try c.encode(nDropped, forKey: .nDropped)
        try c.encode(JSONNumber(dfResidual), forKey: .dfResidual)
        try c.encode(covariance.rawValue, forKey: .covariance)
        try c.encode(zip(coefficients, degreesOfFreedom).map { r, df in
            Coefficient(term: r.term, estimate: JSONNumber(r.estimate), stdError: JSONNumber(r.standardError), statistic: JSONNumber(r.t),
                        df: JSONNumber(df), pValue: JSONNumber(r.pValue), ciLow: JSONNumber(r.confidenceLow), ciHigh: JSONNumber(r.confidenceHigh))
        }, forKey: .coefficients)
        try c.encode(JSONNumber(logLikelihood), forKey: .logLikelihood)
        try c.encode(JSONNumber(aic), forKey: .aic)
        try c.encode(JSONNumber(bic), forKey: .bic)
        try c.encode(JSONNumber(deviance), forKey: .deviance)
        try c.encode(warnings, forKey: .warnings)
    }
}

extension ModelJSON {
    /// The coefficient table in broom's columns, for a workbook's summary sheet.
    public var coefficientTable: OutputTable {
        OutputTable(header: ["term", "estimate", "std_error", "statistic", "df", "p_value", "ci_low", "ci_high"],
                    rows: zip(coefficients, degreesOfFreedom).map { c, df in
                        [.text(c.term), .finite(c.estimate), .finite(c.standardError), .finite(c.t), .finite(df ?? .nan), .finite(c.pValue),
                         .finite(c.confidenceLow), .finite(c.confidenceHigh)]
                    })
    }
}

extension Provenance {
    /// The provenance of any model: data file and checksum, formula, kind, the shared numbers.
    public static func of(model m: ModelJSON, dataPath: String) -> Provenance {
        let sha = checksum(dataPath), date = ISO8601DateFormatter().string(from: Date())
        var rows: [(String, Cell)] = [
            ("Made by", .text("Varex \(VarexVersion.string)")), ("Date", .text(date)), ("Data file", .text(dataPath)),
            ("Data SHA-256", .text(sha)), ("Formula", .text(m.formula)), ("Kind of model", .text(m.kind.rawValue)),
            ("Observations used", .integer(m.n)), ("Rows left out", .integer(m.nDropped)),
        ]
        if let df = m.dfResidual { rows.append(("Residual df", .finite(df))) }
        rows += [("Standard errors", .text(m.covariance.rawValue)), ("Log-likelihood", .finite(m.logLikelihood ?? .nan)),
                 ("AIC", .finite(m.aic ?? .nan)), ("BIC", .finite(m.bic ?? .nan)), ("Deviance", .finite(m.deviance ?? .nan))]
        for w in m.warnings { rows.append(("Warning", .text(w))) }
        return Provenance(rows: rows)
    }
}

