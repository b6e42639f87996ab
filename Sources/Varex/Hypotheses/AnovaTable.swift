import VarexLinearAlgebra

/// One row of an analysis-of-variance table: a term (or `Residuals`), its degrees of freedom,
/// and where defined its sum of squares, mean square, F and p-value.
public struct AnovaRow: Sendable, Equatable {
    public let term: String
    public let df: Int
    /// nil in a table built on a sandwich covariance (a Wald test has no sum of squares).
    public let sumOfSquares: Double?
    public var meanSquare: Double? { sumOfSquares.map { $0 / Double(df) } }
    /// nil on the `Residuals` row.
    public let f: Double?
    public let pValue: Double?
}

/// R's two tables of tests by term: the sequential table of `anova(fit)` (each term after those
/// before it, classical) and the Type II table of `car::Anova(fit)` (each term after every term
/// that does not contain it, with the chosen covariance).
public struct AnovaTable: Sendable, Equatable {
    public enum Kind: String, Sendable { case sequential, typeII = "type II" }
    public let kind: Kind
    /// The covariance the tests use (always classical for the sequential table).
    public let covariance: CovarianceType
    /// One row per term with at least one estimable column, then `Residuals`.
    public let rows: [AnovaRow]
    /// With a clustered covariance: which denominator df the tests use, beside R's.
    public var clusterNote: String? = nil

    /// `anova(fit)`: term t's sum of squares is the drop in the residual sum of squares when it
    /// joins the terms before it. Each nested fit is a ``Refit`` of the fit's weighted design with
    /// its residual sum of squares in extended precision, so a small term's sum of squares keeps
    /// its digits (R takes it from the QR's effects in double precision).
    public static func sequential(_ fit: LinearFit) -> AnovaTable {
        let design = fit.design
        let intercept = design.assign.indices.filter { design.assign[$0] == -1 }
        var previous: (rss: Extended, rank: Int)
        if intercept.isEmpty {
            var s: Extended = 0
            for v in fit.weighted.y { s += v * v }
            previous = (s, 0)
        } else {
            previous = Refit(fit: fit, columns: intercept).fitAllRows()
        }
        let sigma2 = fit.residualVariance
        let dist = fit.dfResidual > 0 ? FDistribution(df1: 1, df2: Double(fit.dfResidual)) : nil
        var rows: [AnovaRow] = []
        for (t, term) in design.formula.terms.enumerated() {
            let columns = design.assign.indices.filter { design.assign[$0] >= -1 && design.assign[$0] <= t }
            let now = Refit(fit: fit, columns: columns).fitAllRows()
            let df = now.rank - previous.rank
            guard df > 0 else { continue }
            let ss = Double(previous.rss - now.rss)
            let f = (ss / Double(df)) / sigma2
            let p = dist.map { _ in FDistribution(df1: Double(df), df2: Double(fit.dfResidual)).survival(f) } ?? .nan
            rows.append(AnovaRow(term: term.label, df: df, sumOfSquares: ss, f: f, pValue: p))
            previous = now
        }
        rows.append(AnovaRow(term: "Residuals", df: fit.dfResidual, sumOfSquares: fit.weightedRSS, f: nil, pValue: nil))
        return AnovaTable(kind: .sequential, covariance: .classical, rows: rows)
    }

    /// `car::Anova(fit, type = "II")`, or with a sandwich covariance `car::Anova(fit, type = "II",
    /// vcov. = vcovHC(fit, type))`: each term is tested after every term that does not contain it.
    /// The hypothesis is car's: the coefficients of the term and of the terms containing it
    /// (its relatives), restricted to the part conjugate, in the covariance's inner product, to
    /// the relatives' coefficients; then a Wald F with the chosen covariance.
    public static func typeII(_ fit: LinearFit, covariance type: CovarianceType) throws -> AnovaTable {
        let design = fit.design
        let terms = design.formula.terms
        let est = fit.estimable
        let v = try fit.estimableCovariance(type)
        let positions: [[Int]] = terms.indices.map { t in est.indices.filter { design.assign[est[$0]] == t } }
        var rows: [AnovaRow] = []
        for (t, term) in terms.enumerated() {
            let variables = Set(term.variables)
            let relatives = terms.indices.filter { $0 != t && variables.isSubset(of: Set(terms[$0].variables)) }
            let rel = relatives.flatMap { positions[$0] }
            let both = rel + positions[t]
            guard !positions[t].isEmpty else { continue }
            let l = try Self.hypothesis(relatives: rel, all: both, estimable: est.count, covariance: v)
            guard l.rows > 0 else { continue }
            let test = try fit.waldTest(hypothesis: l, estimableCovariance: v, classical: type == .classical,
                                        df2: fit.testDegreesOfFreedom(type))
            rows.append(AnovaRow(term: term.label, df: test.df1, sumOfSquares: test.sumOfSquares, f: test.statistic, pValue: test.pValue))
        }
        // The residual row shows the denominator df its F tests use (G − 1 when clustered).
        rows.append(AnovaRow(term: "Residuals", df: fit.testDegreesOfFreedom(type), sumOfSquares: type == .classical ? fit.weightedRSS : nil,
                             f: nil, pValue: nil))
        return AnovaTable(kind: .typeII, covariance: type, rows: rows,
                          clusterNote: type.isClustered && type != .cr2 ? Self.clusterNote(fit) : nil)
    }

    /// What a clustered table's df are, beside R's choice; the setting is named as a request
    /// names it (`cluster_df`: the flag `--cluster-df`, the spec key `cluster_df`).
    static func clusterNote(_ fit: LinearFit, names: SettingNames = RequestSettingNames()) -> String {
        let g = fit.clusterCounts.min() ?? 0
        if fit.design.clusterTestDF == .residual {
            return "F tests on the residual df, n − k = \(fit.dfResidual), as car::Anova(fit, vcov. = vcovCL) (\(names.name(.clusterDF)) residual); "
                + "the default is G − 1 = \(max(g - 1, 0)) (Stata)"
        }
        return "F tests on G − 1 = \(max(g - 1, 0)) denominator df (\(g) clusters; Stata's choice); car::Anova(fit, vcov. = vcovCL) "
            + "uses n − k = \(fit.dfResidual): \(names.name(.clusterDF)) residual gives R's"
    }

    /// car's `ConjComp`: the rows of L span the coefficients in `all` that are conjugate (vᵀ V u
    /// = 0) to every coefficient in `relatives`. Without relatives, L selects `all`.
    static func hypothesis(relatives: [Int], all: [Int], estimable p: Int, covariance v: Matrix) throws -> Matrix {
        let m = all.count
        guard !relatives.isEmpty else {
            var l = Matrix(rows: m, columns: p)
            for (r, k) in all.enumerated() { l[r, k] = 1 }
            return l
        }
        // A = Zᵀ V X (m × r): Z selects `all`, X selects `relatives`.
        var a = Matrix(rows: m, columns: relatives.count)
        for (i, zi) in all.enumerated() { for (j, xj) in relatives.enumerated() { a[i, j] = v[zi, xj] } }
        if a.storage.contains(where: { !$0.isFinite }) { return Matrix(rows: 0, columns: p) }
        let complement = try QRFactorization(a, tolerance: 1e-7).complementQ()
        var l = Matrix(rows: complement.columns, columns: p)
        for c in 0..<complement.columns { for (i, zi) in all.enumerated() { l[c, zi] = complement[i, c] } }
        return l
    }
}
