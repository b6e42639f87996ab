import Foundation
import Varex
import VarexLinearAlgebra

/// A fitted linear model or GLM saved as JSON (`varex fit --save-model`): everything `varex
/// predict` needs (the formula, each categorical variable's levels and reference, the
/// coefficients, their covariance, σ̂ and the residual df; for a GLM its family and link) and
/// what `varex anova` needs to compare saved models (the deviance, the rows used and the data's
/// SHA-256). Undefined numbers (an aliased coefficient, σ̂ of an exact fit) are `null`.
public struct SavedModel: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        /// The term's index in the formula's terms, -1 for the intercept.
        public var term: Int
        /// nil when aliased.
        public var coefficient: Double?
    }
    /// What a `poly()` or `scale()` variable learned from the fitted data.
    public struct LearnedBasis: Codable, Sendable, Equatable {
        public var variable: String
        public var parameters: BasisParameters
    }
    /// A mixed model's random-effect term: its grouping, its effects' formula and columns, and
    /// each level's conditional modes (BLUPs), levels × effects.
    public struct RandomTermModel: Codable, Sendable, Equatable {
        public var group: String
        public var grouping: [String]
        public var effects: String
        public var columns: [String]
        /// Each column's term in the effects' formula (-1 for the intercept).
        public var assign: [Int]
        public var categorical: [Coding]
        public var levels: [String]
        public var modes: [[Double]]
    }
    /// A fit's absorbed fixed effects (`--absorb`): for each factor its levels, what the within
    /// transformation took out of the response and of each column at each level, the weight of
    /// each level and of each pair of levels the fit saw (two factors) its total weight, for the prediction's variance.
    public struct AbsorbedModel: Codable, Sendable, Equatable {
        /// A pair of levels (first factor's, second's, by index) and the weight of its rows.
        public struct Pair: Codable, Sendable, Equatable {
            public var first: Int
            public var second: Int
            public var weight: Double
        }
        public var factors: [String]
        public var levels: [[String]]
        /// Each level's effect (fixest's `fixef`), [factor][level].
        public var effects: [[Double]]
        public var responseParts: [[Double]]
        /// [column][factor][level], columns as `columns`.
        public var columnParts: [[[Double]]]
        /// Each factor's total weight per level.
        public var levelWeights: [[Double]]
        public var pairs: [Pair]

        enum CodingKeys: String, CodingKey {
            case factors, levels, effects, responseParts = "response_parts", columnParts = "column_parts"
            case levelWeights = "level_weights", pairs
        }
    }
    public struct Coding: Codable, Sendable, Equatable {
        /// The variable as the formula names it (`council_type`, `C(cyl)`).
        public var variable: String
        public var levels: [String]
        public var reference: String
    }

    public static let formatName = "varex-linear-model"
    public var format: String
    public var formatVersion: Int
    public var varexVersion: String
    public var formula: String
    /// The columns `.` stood for, when the formula has one.
    public var dot: [String]?
    public var weights: String?
    public var data: String
    public var dataSHA256: String
    /// The ids of the rows used, in order (row numbers when the run had no --id).
    public var rowsUsed: [String]
    public var rank: Int
    public var dfResidual: Int
    /// The deviance: the (weighted) residual sum of squares of a linear model, a GLM's
    /// deviance (R's `deviance()` of either).
    public var rss: Double
    /// A GLM's family and link (absent for a linear model); σ is then √dispersion.
    public var family: String?
    public var link: String?
    /// A linear mixed model's random-effect terms (absent otherwise); `formula` is then its
    /// fixed part and `covariance` lme4's `vcov`.
    public var randomTerms: [RandomTermModel]?
    /// A fit with absorbed factors (absent otherwise); `columns` then has no intercept.
    public var absorbed: AbsorbedModel?
    public var sigma: Double?
    public var seType: String
    public var tolerance: Double
    public var columns: [Column]
    public var categorical: [Coding]
    /// Absent in files without basis variables.
    public var bases: [LearnedBasis]?
    /// The covariance of type `seType`, rows and columns in the order of `columns`.
    public var covariance: [[Double?]]

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", varexVersion = "varex_version", formula, dot, weights, data
        case dataSHA256 = "data_sha256", rowsUsed = "rows_used", rank, dfResidual = "df_residual", rss, sigma
        case seType = "se_type", tolerance, columns, categorical, bases, covariance, family, link
        case randomTerms = "random_terms", absorbed
    }

    /// A saved GLM's family and link (nil for a linear model).
    public func glm(path: String) throws -> (family: Family, link: Link)? {
        guard let family else { return nil }
        guard let f = Family(rawValue: family), let l = Link(rawValue: link ?? f.defaultLink.rawValue), f.links.contains(l) else {
            throw SavedModelError.inconsistent(path: path, reason: "unknown family '\(family)' or link '\(link ?? "")'")
        }
        return (f, l)
    }

    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// The JSON text (keys sorted, numbers round-trip).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a saved model; a file that is not one is an error naming it.
    public init(contentsOf path: String) throws {
        let bytes = try FileBytes.read(path: path)
        do {
            self = try JSONDecoder().decode(SavedModel.self, from: Data(bytes))
        } catch {
            if let key = Self.nonWholeNumberKey(Data(bytes)) {
                throw SavedModelError.invalidValue(path: path, key: key.key, reason: "a whole number is needed; found \(key.value)")
            }
            throw SavedModelError.notAModel(path: path, reason: Self.reason(error))
        }
        guard format == Self.formatName else { throw SavedModelError.notAModel(path: path, reason: "its format is '\(format)'") }
        guard formatVersion == 1 else { throw SavedModelError.unsupportedVersion(path: path, version: formatVersion) }
        let p = columns.count
        guard covariance.count == p, covariance.allSatisfy({ $0.count == p }) else {
            throw SavedModelError.inconsistent(path: path, reason: "the covariance is not \(p) × \(p)")
        }
        try checkValues(path: path)
    }

    /// The numbers a fit could have written: a hand-edited negative variance, σ, or residual df
    /// would predict blank or zero-width intervals, so each is an error naming its key.
    func checkValues(path: String) throws {
        func bad(_ key: String, _ why: String) -> SavedModelError { .invalidValue(path: path, key: key, reason: why) }
        let p = columns.count
        guard rank >= 0 && rank <= p else { throw bad("rank", "\(rank) is not between 0 and the \(p) columns") }
        guard dfResidual >= 0 && dfResidual <= rowsUsed.count - rank else {
            throw bad("df_residual", "\(dfResidual) is not between 0 and the rows used less the rank (\(rowsUsed.count - rank))")
        }
        guard rss.isFinite && rss >= 0 else { throw bad("rss", "a residual sum of squares is a finite number, 0 or more; found \(rss)") }
        if let sigma {
            guard sigma.isFinite && sigma >= 0 else { throw bad("sigma", "σ is a finite number, 0 or more; found \(sigma)") }
            guard dfResidual > 0 || sigma == 0 else { throw bad("sigma", "σ \(sigma) with no residual degrees of freedom (df_residual 0)") }
        } else if dfResidual > 0 {
            throw bad("sigma", "missing with \(dfResidual) residual degrees of freedom")
        }
        let largest = covariance.flatMap { $0.compactMap { $0 } }.filter(\.isFinite).map(abs).max() ?? 0
        for a in 0..<p {
            if let v = covariance[a][a], !(v >= 0) || !v.isFinite {
                throw bad("covariance", "the variance of '\(columns[a].name)' is \(v); a variance is a finite number, 0 or more")
            }
            for b in 0..<a {
                let x = covariance[a][b], y = covariance[b][a]
                let same = (x == nil && y == nil) || (x != nil && y != nil && abs(x! - y!) <= 1e-12 * largest)
                guard same else {
                    throw bad("covariance", "not symmetric: '\(columns[a].name)' with '\(columns[b].name)' is \(x.map { "\($0)" } ?? "null") one way and \(y.map { "\($0)" } ?? "null") the other")
                }
            }
        }
    }

    /// The first whole-number key (`format_version`, `rank`, `df_residual`, a column's `term`)
    /// that holds another number. Foundation on Linux reports `df_residual: 2.5` as data that is
    /// "not valid JSON", naming no key.
    static func nonWholeNumberKey(_ data: Data) -> (key: String, value: String)? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        func notWhole(_ v: Any?) -> String? {
            guard !(v is Bool), let n = v as? NSNumber else { return nil }
            let d = n.doubleValue
            return d == d.rounded() && abs(d) < 1e15 ? nil : "\(d)"
        }
        for key in ["format_version", "rank", "df_residual"] { if let v = notWhole(object[key]) { return (key, v) } }
        for (k, column) in ((object["columns"] as? [[String: Any]]) ?? []).enumerated() {
            if let v = notWhole(column["term"]) { return ("columns[\(k)].term", v) }
        }
        return nil
    }

    static func reason(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): return "no '\(key.stringValue)'"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty:
            // JSON, but a value its key cannot hold (df_residual: 2.5).
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type or value: \(context.debugDescription)"
        case DecodingError.dataCorrupted: return "it is not JSON"
        default: return "\(error)"
        }
    }

    /// The predictor this file describes, checked against its own formula: the columns the
    /// formula and codings produce must be the saved ones.
    public func predictor(path: String) throws -> LinearPredictor {
        let f: Formula
        do { f = try Formula(formula, dot: dot) } catch { throw SavedModelError.inconsistent(path: path, reason: "its formula: \(error)") }
        var codings: [Int: CategoricalCoding] = [:]
        for c in categorical {
            guard let vi = f.variables.firstIndex(where: { $0.label == c.variable }),
                  let reference = c.levels.firstIndex(of: c.reference) else {
                throw SavedModelError.inconsistent(path: path, reason: "the categorical variable '\(c.variable)' does not match the formula")
            }
            codings[vi] = CategoricalCoding(levels: c.levels, reference: reference)
        }
        var learned: [Int: BasisParameters] = [:]
        for b in bases ?? [] {
            guard let vi = f.variables.firstIndex(where: { $0.label == b.variable }), case .basis = f.variables[vi].source else {
                throw SavedModelError.inconsistent(path: path, reason: "the basis '\(b.variable)' does not match the formula")
            }
            learned[vi] = b.parameters
        }
        for (vi, v) in f.variables.enumerated() {
            if case .basis = v.source, learned[vi] == nil {
                throw SavedModelError.inconsistent(path: path, reason: "no parameters for '\(v.label)'")
            }
        }
        let schema = ModelSchema(formula: f, codings: codings, bases: learned, columnNames: columns.map(\.name), assign: columns.map(\.term))
        // An absorbed fit's columns have no intercept: the absorbed effects hold it.
        let expected = schema.expectedColumnNames.filter { absorbed == nil || $0 != "(Intercept)" }
        guard expected == schema.columnNames else {
            throw SavedModelError.inconsistent(path: path, reason: "its columns are not those its formula makes")
        }
        guard let type = CovarianceType(name: seType) else {
            throw SavedModelError.inconsistent(path: path, reason: "unknown se_type '\(seType)'")
        }
        let p = columns.count
        var v = Matrix(rows: p, columns: p, repeating: .nan)
        for a in 0..<p { for b in 0..<p { v[a, b] = covariance[a][b] ?? .nan } }
        return LinearPredictor(schema: schema, coefficients: columns.map { $0.coefficient ?? .nan }, covariance: v,
                               covarianceType: type, sigma: sigma ?? .nan, dfResidual: dfResidual)
    }
}

/// Problems with a saved model file.
public enum SavedModelError: VarexError, Equatable {
    case notAModel(path: String, reason: String)
    case unsupportedVersion(path: String, version: Int)
    case inconsistent(path: String, reason: String)
    case invalidValue(path: String, key: String, reason: String)
    /// `--save-model` of a fit with three or more absorbed factors.
    case tooManyAbsorbed([String])

    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self {
        case let .notAModel(path, reason):
            return "\(path): not a model saved by 'varex fit --save-model' (\(reason))"
        case let .unsupportedVersion(path, version):
            return "\(path): model format version \(version) is newer than this Varex reads (1); update Varex"
        case let .invalidValue(path, key, reason):
            return "\(path): key '\(key)': \(reason); save the model again with 'varex fit --save-model'"
        case let .inconsistent(path, reason):
            return "\(path): the saved model does not hold together (\(reason)); save it again with 'varex fit --save-model'"
        case let .tooManyAbsorbed(factors):
            return "a saved model keeps the absorbed effects of one or two factors for predictions; this fit absorbs \(factors.count) "
                + "(\(factors.joined(separator: ", "))): absorb at most two, and enter the others as formula terms, to save it"
        }
    }
}

extension SavedModel.RandomTermModel {
    /// The schema that codes new rows' effects (`~ 1 + days`), checked against the saved columns.
    public func schema(response: String, path: String) throws -> ModelSchema {
        let f: Formula
        do { f = try Formula("\(response) ~ \(effects)") } catch {
            throw SavedModelError.inconsistent(path: path, reason: "the random term's effects '\(effects)': \(error)")
        }
        var codings: [Int: CategoricalCoding] = [:]
        for c in categorical {
            guard let vi = f.variables.firstIndex(where: { $0.label == c.variable }), let reference = c.levels.firstIndex(of: c.reference) else {
                throw SavedModelError.inconsistent(path: path, reason: "the random term's variable '\(c.variable)' does not match its effects")
            }
            codings[vi] = CategoricalCoding(levels: c.levels, reference: reference)
        }
        guard assign.count == columns.count else {
            throw SavedModelError.inconsistent(path: path, reason: "the random term's assign does not match its columns")
        }
        let schema = ModelSchema(formula: f, codings: codings, columnNames: columns, assign: assign)
        guard schema.expectedColumnNames == columns else {
            throw SavedModelError.inconsistent(path: path, reason: "the random term's columns are not those '\(effects)' makes")
        }
        guard modes.count == levels.count, modes.allSatisfy({ $0.count == columns.count }) else {
            throw SavedModelError.inconsistent(path: path, reason: "the modes of '\(effects) | \(group)' are not levels × effects")
        }
        return schema
    }
}

