import Varex
/// What a funnel plot is asked to show.
public struct FunnelRequest: Sendable {
    /// A published 95% margin of error is this many standard errors: the normal 97.5% quantile
    /// (1.959964…, which tables round to 1.96).
    public static let marginOfErrorQuantile = Normal.quantile(0.975)

    /// What the indicator is, which fixes its range and, with denominators, its standard errors.
    public enum Kind: Sendable, Equatable {
        /// A proportion in units of `scale` (100 for percentages): values and limits in [0, scale].
        case proportion(scale: Double)
        /// A rate per `per` (e.g. per 100,000): values and limits at least 0.
        case rate(per: Double)

        /// The values an indicator of this kind can take.
        public var range: ClosedRange<Double> {
            switch self {
            case let .proportion(scale): return 0...scale
            case .rate: return 0...Double.infinity
            }
        }
    }
    public var indicator: String
    public var standardError: String?
    public var marginOfError: String?
    public var denominator: String?
    /// A column of expected counts (indirect standardisation): the indicator is then the
    /// observed count, and the funnel shows observed / expected against the expected count,
    /// a Poisson ratio: sᵢ = √(target / Eᵢ), target Σ observed / Σ expected unless given.
    public var expected: String?
    /// The indicator's kind: needed with a denominator (proportion of 100 when nil); optional
    /// with standard errors or margins of error, where it checks the values and bounds the limits.
    public var kind: Kind?
    public var overdispersion: Overdispersion
    public var levels: [Double]
    public var target: Double?

    public init(indicator: String, standardError: String? = nil, marginOfError: String? = nil, denominator: String? = nil,
                kind: Kind? = nil, overdispersion: Overdispersion = .multiplicative,
                levels: [Double] = [0.95, 0.998], target: Double? = nil, expected: String? = nil) {
        self.expected = expected
        self.indicator = indicator
        self.standardError = standardError
        self.marginOfError = marginOfError
        self.denominator = denominator
        self.kind = kind
        self.overdispersion = overdispersion
        self.levels = levels
        self.target = target
    }
}

/// A funnel plot over a table's rows: rows with a missing indicator or precision are left out
/// (and listed); a zero or negative precision is an error naming the cell.
public struct FunnelAnalysis: Sendable {
    public let plot: FunnelPlot
    /// Table rows in the plot, in order.
    public let rows: [Int]
    /// Table rows left out, with the reason.
    public let leftOut: [DroppedRow]
    /// The denominators (survey base, population) of the rows plotted, when the precision came
    /// from a denominator column, and that column's name: the funnel's natural x-axis.
    public let denominators: (name: String, values: [Double])?
    /// A risk-adjusted funnel's observed and expected counts of the rows plotted.
    public let counts: (observed: [Double], expected: [Double])?
    /// The indicator's kind (a proportion of 100 by default with a denominator), if known.
    public let kind: FunnelRequest.Kind?

    /// `ids` (one per table row) name the unit in messages; `leftOut` rows (by `--exclude` or
    /// `--subset`) are left out before anything is estimated.
    public init(table: Table, request r: FunnelRequest, ids: RowIDs? = nil, leftOut: [Int: String] = [:]) throws {
        let kind = r.expected != nil ? .rate(per: 1) : r.kind ?? (r.denominator != nil ? .proportion(scale: 100) : nil)
        try Self.check(kind: kind, target: r.target)
        self.kind = kind
        let (y, p, rows, dropped) = try EstimateRows.select(table: table, estimate: r.indicator,
                                                            precision: r.expected ?? r.standardError ?? r.marginOfError ?? r.denominator!,
                                                            leftOut: leftOut)
        if r.expected != nil, let bad = rows.first(where: { !(y.values[$0] >= 0) }) {
            throw ExplainError.outsideRange(table.location(row: bad, column: y.name), unit: ids?[bad], text: y.cells[bad],
                                            range: 0...Double.infinity, kind: "an observed count")
        }
        let values = rows.map { r.expected != nil ? Double(y.values[$0] / p.values[$0]) : Double(y.values[$0]) }
        if let kind {
            for (k, row) in rows.enumerated() where !kind.range.contains(values[k]) {
                throw ExplainError.outsideRange(table.location(row: row, column: y.name), unit: ids?[row], text: y.cells[row],
                                                range: kind.range, kind: kind.description)
            }
        }
        let q = rows.map { Double(p.values[$0]) }
        let precision: FunnelPrecision
        if r.expected != nil { precision = .rate(denominators: q, per: 1) }
        else if r.standardError != nil { precision = .standardError(q) }
        else if r.marginOfError != nil { precision = .standardError(q.map { $0 / FunnelRequest.marginOfErrorQuantile }) }
        else {
            switch kind! {
            case let .proportion(scale): precision = .proportion(denominators: q, scale: scale)
            case let .rate(per): precision = .rate(denominators: q, per: per)
            }
        }
        plot = FunnelPlot(values: values, precision: precision, overdispersion: r.overdispersion, levels: r.levels, target: r.target,
                          range: kind?.range)
        self.rows = rows
        self.leftOut = dropped
        counts = r.expected == nil ? nil : (rows.map { Double(y.values[$0]) }, q)
        denominators = r.expected.map { ($0, q) } ?? (r.standardError == nil && r.marginOfError == nil ? (r.denominator!, q) : nil)
    }

    /// Refuses a scale, rate base or target that cannot be right: each must be positive, and a
    /// target inside the indicator's range.
    static func check(kind: FunnelRequest.Kind?, target: Double?) throws {
        switch kind {
        case let .proportion(scale)?: guard scale > 0, scale.isFinite else { throw ExplainError.notPositive(what: "the proportion's scale", value: scale) }
        case let .rate(per)?: guard per > 0, per.isFinite else { throw ExplainError.notPositive(what: "the rate's base (per)", value: per) }
        case nil: break
        }
        if let target {
            guard target.isFinite else { throw ExplainError.notPositive(what: "the target", value: target) }
            if let kind, !(kind.range.lowerBound < target && target < kind.range.upperBound) {
                throw ExplainError.targetOutsideRange(target: target, kind: kind.description)
            }
        }
    }
}

extension FunnelRequest.Kind: CustomStringConvertible {
    /// "a proportion of 100", "a rate per 100000".
    public var description: String {
        switch self {
        case let .proportion(scale): return "a proportion of \(NumberFormat.significant(scale, 6))"
        case let .rate(per): return "a rate per \(NumberFormat.significant(per, 8))"
        }
    }
}

/// A risk-adjusted funnel's counts from a model (indirect standardisation): each row's observed
/// count and the count its case mix predicts, the GLM's fitted mean (times the trials of a
/// binomial cbind() response), added to the model's table as the columns `observed_count` and
/// `expected_count` for ``FunnelRequest/expected``.
public struct ExpectedCounts: Sendable {
    /// The model's table with `observed` and `expected` added (empty for rows the fit left out).
    public let table: Table
    /// The model's warnings.
    public let warnings: [String]
    /// The model's data (ids, joins).
    public let data: ModelData
    /// The added columns' names.
    public static let observed = "observed_count", expected = "expected_count"

    /// The counts of the model `request` and `family` describe: a GLM, or with random-effect
    /// terms a GLMM (its population-level expected counts).
    public init(_ request: FitRequest, family: Family, link: Link?) throws {
        guard Self.countsEvents(family) else { throw ExplainError.expectedCountsNeedCountFamily(family.rawValue) }
        if request.kind(family: family, link: link) == .glmm {
            try self.init(glmm: try GLMMAnalysis(request, family: family, link: link))
        } else {
            try self.init(glm: try GLMAnalysis(request, family: family, link: link))
        }
    }

    /// Whether a family's response counts events (Poisson counts, binomial successes).
    public static func countsEvents(_ family: Family) -> Bool { [.poisson, .quasipoisson, .binomial, .quasibinomial].contains(family) }

    /// The counts of a GLM already fitted (of a family that counts events): expected μ × trials.
    public init(glm: GLMAnalysis) throws {
        let f = glm.fit
        try self.init(data: glm.data, rows: f.design.rows, observed: zip(f.y, f.trials).map { $0 * $1 },
                      expected: zip(f.mu, f.trials).map { $0 * $1 }, warnings: f.warnings)
    }

    /// The counts of a GLMM: expected the population-level mean (fixed effects and offset, no
    /// random effects: `predict(re.form = NA)`) × trials, so each row's random effects show in
    /// its observed / expected.
    public init(glmm: GLMMAnalysis) throws {
        let f = glmm.fit
        try self.init(data: glmm.data, rows: f.design.fixed.rows, observed: zip(f.y, f.trials).map { $0 * $1 },
                      expected: zip(f.marginalFitted, f.trials).map { $0 * $1 }, warnings: f.warnings)
    }

    init(data: ModelData, rows: [Int], observed o: [Double], expected e: [Double], warnings: [String]) throws {
        var observed = [Double](repeating: .nan, count: data.table.rowCount), expected = observed
        for (i, r) in rows.enumerated() {
            observed[r] = o[i]
            expected[r] = e[i]
        }
        table = try data.table.adding(column: Self.observed, values: observed).adding(column: Self.expected, values: expected)
        self.warnings = warnings
        self.data = data
    }
}
