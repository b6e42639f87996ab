import Varex
import VarexLinearAlgebra

/// What a model run is asked to do, independent of the command line: the data and what joins
/// it, which rows to leave out, the model, and how to report it.
public struct FitRequest: Sendable {
    public var dataPath: String
    public var formula: String
    public var id: String?
    public var weights: String?
    public var covariance: CovarianceType
    public var level: Double
    public var references: [String: String]
    public var tolerance: Double
    /// Other CSV files whose columns are added by the id column before fitting.
    public var joins: [String]
    /// Ids of rows to leave out of the fit (they stay in the tables, with a note).
    public var exclude: [String]
    /// A column shown beside the id (a council's name).
    public var label: String?
    /// Input columns carried into the per-row tables, as `broom::augment(model, data = d)` does.
    public var keep: [String]
    /// Columns that cluster the rows, for CR0/CR1 standard errors (one, or two for two-way).
    public var clusters: [String] = []
    /// Factors whose fixed effects are absorbed (`--absorb`): one, or two.
    public var absorb: [String] = []
    /// The denominator df of tests with a clustered covariance (`--cluster-df`).
    public var clusterTestDF: ClusterTestDF = .clusters
    /// A row condition (R's `subset`): rows where it is not TRUE are left out of the fit and
    /// stay in the per-row tables with a note.
    public var subset: String? = nil
    /// An outcome index added to the data before the fit (the spec's `index:`).
    public var index: IndexDefinition? = nil

    public init(dataPath: String, formula: String, id: String? = nil, weights: String? = nil,
                covariance: CovarianceType = .classical, level: Double = 0.95,
                references: [String: String] = [:], tolerance: Double = QRFactorization.defaultTolerance,
                joins: [String] = [], exclude: [String] = [], label: String? = nil, keep: [String] = []) {
        self.joins = joins
        self.dataPath = dataPath
        self.formula = formula
        self.id = id
        self.weights = weights
        self.covariance = covariance
        self.level = level
        self.references = references
        self.tolerance = tolerance
        self.exclude = exclude
        self.label = label
        self.keep = keep
    }
}

extension FitRequest {
    /// The term that enters absorbed factor `name` as its dummy columns: `factor(name)`.
    public static func dummyTerm(_ name: String) -> String { "factor(\(RName.deparse(name)))" }

    /// The same model with each absorbed factor entered as `factor(F)` (its dummy columns) in
    /// the formula instead: `lm` with the dummies is the model an absorbed fit computes without
    /// them, and `glm` or `lmer` with them is what `fixest::feglm`, or a mixed model with the
    /// factor's fixed effects, estimates. `first` puts them before the formula's terms (their
    /// sequential tests come first, as the absorbed fit's `--anova` takes them); otherwise after.
    public func absorbedAsDummies(first: Bool = false) -> FitRequest {
        guard !absorb.isEmpty else { return self }
        var r = self
        let dummies = absorb.map(Self.dummyTerm).joined(separator: " + ")
        if first, let tilde = formula.firstIndex(of: "~") {
            r.formula = formula[...tilde] + " " + dummies + " + " + formula[formula.index(after: tilde)...].trimmingCharacters(in: .whitespaces)
        } else {
            r.formula = formula + " + " + dummies
        }
        r.absorb = []
        return r
    }

    /// Whether coefficient `term` is one of an absorbed factor's dummy columns, from
    /// ``absorbedAsDummies(first:)``.
    public func isAbsorbedDummy(_ term: String) -> Bool {
        absorb.contains { Self.isDummy(term, of: $0) }
    }

    /// Whether coefficient `term` is one of factor `name`'s dummy columns.
    public static func isDummy(_ term: String, of name: String) -> Bool { term.hasPrefix(dummyTerm(name)) }
}
