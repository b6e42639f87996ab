import Foundation
import Varex

/// `varex anova`: nested models compared by F tests (R's `anova(m1, m2, ...)`), or GLMs by
/// their deviances (χ² or F, as `anova(m1, m2, test = ...)`), from formulas fitted to one data
/// set or from saved models. The models must use the same rows (R refuses models "not all
/// fitted to the same size of dataset"; Varex checks the rows themselves).
public struct ComparisonAnalysis: Sendable {
    public let formulas: [String]
    /// The F (or deviance) comparison of linear models and GLMs; empty rows for mixed models.
    public let comparison: ModelComparison
    /// Mixed models (random-effect terms): lme4's likelihood-ratio table, the models refitted
    /// by ML and ordered by their number of parameters.
    public let likelihood: LikelihoodRatioComparison?
    /// Each model's design columns, to say whether the models are nested.
    public let columns: [[String]]
    /// The GLMs' family and link (nil for linear models).
    public let glm: (family: Family, link: Link)?

    /// Fits every formula with the same request (data, joins, exclusions, weights); with a
    /// family, as GLMs.
    public init(request: FitRequest, formulas: [String], family: Family? = nil, link: Link? = nil) throws {
        guard formulas.count >= 2 else { throw ComparisonError.tooFewModels(formulas.count) }
        let mixed = formulas.map(MixedFormula.hasRandomTerms)
        if mixed.contains(true) {
            guard !mixed.contains(false) else { throw ComparisonError.mixedAndFixed }
            var probe = request
            probe.formula = formulas[0]
            // lme4's anova of merMod fits: GLMMs (glmer's fits are ML already), or linear mixed
            // models refitted by ML.
            let fits: [(rows: [String], columns: [String], model: (Double, Int, Int))]
            if let family, probe.kind(family: family, link: link) == .glmm {
                fits = try formulas.map { f in
                    var r = request
                    r.formula = f
                    let a = try GLMMAnalysis(r, family: family, link: link)
                    return (a.fit.design.fixed.rows.map { a.data.ids[$0] }, a.fit.coefficientNames, (a.fit.logLikelihood, a.fit.parameterCount, a.fit.n))
                }
            } else {
                fits = try formulas.map { f in
                    var r = request
                    r.formula = f
                    let a = try MixedAnalysis(r, reml: false)
                    return (a.fit.design.fixed.rows.map { a.data.ids[$0] }, a.fit.coefficientNames, (a.fit.logLikelihood, a.fit.parameterCount, a.fit.n))
                }
            }
            try Self.checkSameRows(fits.map(\.rows), names: formulas)
            self.formulas = formulas
            columns = fits.map(\.columns)
            glm = nil
            comparison = ModelComparison(rows: [])
            likelihood = LikelihoodRatioComparison(models: fits.map(\.model))
            return
        }
        likelihood = nil
        if let family {
            let fits = try formulas.map { f -> GLMAnalysis in
                var r = request
                r.formula = f
                return try GLMAnalysis(r, family: family, link: link)
            }
            try Self.checkSameRows(fits.map { a in a.fit.design.rows.map { a.data.ids[$0] } }, names: formulas)
            self.formulas = formulas
            columns = fits.map { $0.fit.design.columnNames }
            let big = fits.min { $0.fit.dfResidual < $1.fit.dfResidual }!.fit
            glm = (family, big.link)
            comparison = ModelComparison(deviances: fits.map { ($0.fit.deviance, $0.fit.dfResidual) }, dispersion: big.dispersion,
                                         test: family.estimatesDispersion ? .f : .chisq)
            return
        }
        glm = nil
        var runs: [ModelRun] = []
        for f in formulas {
            var r = request
            r.formula = f
            runs.append(try ModelRun(r))
        }
        let rows = runs.map { $0.fit.design.rows.map { runs[0].ids[$0] } }
        try Self.checkSameRows(rows, names: formulas)
        self.formulas = formulas
        columns = runs.map { $0.fit.design.columnNames }
        comparison = ModelComparison(models: runs.map { ($0.fit.weightedRSS, $0.fit.dfResidual) })
    }

    /// Compares saved models (`varex fit --save-model`), which must come from the same data.
    public init(modelPaths: [String]) throws {
        guard modelPaths.count >= 2 else { throw ComparisonError.tooFewModels(modelPaths.count) }
        let models = try modelPaths.map { try SavedModel(contentsOf: $0) }
        if let k = models.firstIndex(where: { $0.randomTerms != nil }) { throw ComparisonError.savedMixedModel(modelPaths[k]) }
        for (k, m) in models.enumerated().dropFirst() where m.dataSHA256 != models[0].dataSHA256 || m.weights != models[0].weights {
            throw ComparisonError.differentData(first: modelPaths[0], other: modelPaths[k])
        }
        try Self.checkSameRows(models.map(\.rowsUsed), names: modelPaths)
        formulas = models.map(\.formula)
        columns = models.map { $0.columns.map(\.name) }
        likelihood = nil
        let kinds = try zip(models, modelPaths).map { try $0.glm(path: $1) }
        for (k, g) in kinds.enumerated().dropFirst() where g?.family != kinds[0]?.family || g?.link != kinds[0]?.link {
            throw ComparisonError.differentFamilies(first: modelPaths[0], other: modelPaths[k])
        }
        glm = kinds[0]
        if let g = kinds[0] {
            let big = models.min { $0.dfResidual < $1.dfResidual }!
            let dispersion = g.family.estimatesDispersion ? (big.sigma ?? .nan) * (big.sigma ?? .nan) : 1
            comparison = ModelComparison(deviances: models.map { ($0.rss, $0.dfResidual) }, dispersion: dispersion,
                                         test: g.family.estimatesDispersion ? .f : .chisq)
        } else {
            comparison = ModelComparison(models: models.map { ($0.rss, $0.dfResidual) })
        }
    }

    static func checkSameRows(_ rows: [[String]], names: [String]) throws {
        for (k, r) in rows.enumerated().dropFirst() where r != rows[0] {
            throw ComparisonError.differentRows(first: names[0], firstCount: rows[0].count, other: names[k], otherCount: r.count)
        }
    }

    /// Pairs of neighbouring models of which neither's columns contain the other's: the F test
    /// assumes nested models (R does not check; Varex says so). Column k of `poly(x, d)` is the
    /// same column for every degree d ≥ k (orthogonal or raw), so `poly(x, 2)` is within
    /// `poly(x, 3)`: columns are compared without the degree.
    public var notNested: [(Int, Int)] {
        columns.indices.dropFirst().compactMap { k in
            let a = Set(columns[k - 1].map(Self.nestingKey)), b = Set(columns[k].map(Self.nestingKey))
            return a.isSubset(of: b) || b.isSubset(of: a) ? nil : (k - 1, k)
        }
    }

    /// A column's name with each `poly(…, degree)k` part written without its degree.
    static func nestingKey(_ column: String) -> String {
        column.split(separator: ":", omittingEmptySubsequences: false).map { part -> String in
            let s = String(part)
            guard let match = polyDegree.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
                  let all = Range(match.range, in: s), all == s.startIndex..<s.endIndex,
                  let head = Range(match.range(at: 1), in: s), let tail = Range(match.range(at: 2), in: s),
                  let index = Range(match.range(at: 3), in: s) else { return s }
            return "poly(\(s[head])\(s[tail]))#\(s[index])"
        }.joined(separator: ":")
    }

    /// `poly(x, 2)1`, `poly(x, degree = 2, raw = TRUE)1`: the argument, the rest, the column.
    static let polyDegree = try! NSRegularExpression(pattern: #"^poly\((.+?), (?:degree = )?\d+(.*)\)(\d+)$"#)
}

/// Problems comparing models.
public enum ComparisonError: VarexError, Equatable {
    case tooFewModels(Int)
    case differentData(first: String, other: String)
    case differentRows(first: String, firstCount: Int, other: String, otherCount: Int)
    /// Saved models of different kinds (a linear model and a GLM, or GLMs of other families).
    case differentFamilies(first: String, other: String)
    /// Formulas with random-effect terms beside formulas without (or with a family).
    case mixedAndFixed
    /// A saved mixed model: its comparison needs ML refits of the data.
    case savedMixedModel(String)

    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self {
        case let .tooFewModels(n):
            return "\(n) model\(n == 1 ? "" : "s"): a comparison needs at least two"
        case let .savedMixedModel(path):
            return "\(path) is a mixed model: compare mixed models from the data, varex anova DATA.csv --formula A --formula B, which refits each by ML"
        case .mixedAndFixed:
            return "compare mixed models with mixed models: every formula needs random-effect terms (lme4's anova refits each by ML)"
        case let .differentFamilies(first, other):
            return "\(other) is not the same kind of model as \(first) (a linear model and a GLM, or another family or link); compare models of one family"
        case let .differentData(first, other):
            return "\(other) was not fitted to the same data as \(first) (the data's SHA-256 or the weights differ)"
        case let .differentRows(first, firstCount, other, otherCount):
            return """
                the models were not fitted to the same rows: \(first) used \(firstCount), \(other) \(otherCount); \
                leave the same rows out of both (a missing value in a variable only one model uses drops the row from that model only)
                """
        }
    }
}
