import Varex

/// What a stochastic frontier is asked: its distribution and side, and the terms of the
/// inefficiency's mean (a truncated normal's μ = zδ) and of ln σu² (a heteroscedastic u), each
/// written as a formula's right-hand side over the same data.
public struct FrontierRequest: Sendable {
    public var model: StochasticFrontierModel
    public var meanTerms: String?
    public var scaleTerms: String?
    public var level: Double

    public init(model: StochasticFrontierModel, meanTerms: String? = nil, scaleTerms: String? = nil, level: Double = 0.95) {
        self.model = model
        self.meanTerms = meanTerms
        self.scaleTerms = scaleTerms
        self.level = level
    }
}

/// A stochastic frontier over a CSV: the frontier's design from the formula (R's coding), the
/// inefficiency's terms from theirs, over the rows every one of them can use; rows left out are
/// listed with the reason.
public struct StochasticFrontierAnalysis: Sendable {
    public let data: ModelData
    public let request: FrontierRequest
    public let fit: StochasticFrontier
    /// Table rows in the fit, in order.
    public let rows: [Int]
    public let leftOut: [DroppedRow]

    public init(_ fitRequest: FitRequest, frontier r: FrontierRequest) throws {
        guard r.level > 0 && r.level < 1 else { throw FrontierError.invalidSetting("the level must lie strictly between 0 and 1") }
        if r.meanTerms != nil && r.model.distribution != .truncatedNormal {
            throw FrontierError.invalidSetting("terms of the inefficiency's mean need the truncated normal (the half-normal's and the exponential's mean is fixed by their scale)")
        }
        let first = try ModelData(fitRequest)
        let table = first.table
        let response = fitRequest.formula.split(separator: "~", maxSplits: 1).first.map(String.init) ?? ""
        func terms(_ rhs: String?, excluded: [Int: String]) throws -> DesignMatrix? {
            guard let rhs else { return nil }
            var options = DesignOptions(references: fitRequest.references, excluded: excluded)
            options.clusters = []
            return try DesignMatrix(formula: try Formula(response + " ~ " + rhs), table: table, options: options)
        }
        // Rows the inefficiency's terms cannot use are left out of the frontier too.
        var excluded: [Int: String] = [:]
        for d in first.design.dropped { excluded[d.row] = d.reason }
        for rhs in [r.meanTerms, r.scaleTerms] {
            if let d = try terms(rhs, excluded: excluded) { for x in d.dropped where excluded[x.row] == nil { excluded[x.row] = x.reason } }
        }
        let design: DesignMatrix
        if excluded.count == first.design.dropped.count {
            design = first.design
        } else {
            var options = DesignOptions(references: fitRequest.references, excluded: excluded)
            options.clusters = []
            design = try DesignMatrix(formula: first.formula, table: table, options: options)
        }
        let used = design.rows
        let everyOther = Dictionary(uniqueKeysWithValues: (0..<table.rowCount).filter { !Set(used).contains($0) }.map { ($0, excluded[$0] ?? "left out") })
        let mean = try terms(r.meanTerms, excluded: everyOther), scale = try terms(r.scaleTerms, excluded: everyOther)
        func matrix(_ d: DesignMatrix) -> [[Double]] { (0..<d.rows.count).map { i in (0..<d.columnNames.count).map { Double(d.x[i, $0]) } } }
        let x = matrix(design)
        let z: [[Double]], zNames: [String]
        if let mean { (z, zNames) = (matrix(mean), mean.columnNames) } else if r.model.distribution == .truncatedNormal {
            (z, zNames) = (used.map { _ in [1.0] }, ["(Intercept)"])
        } else { (z, zNames) = ([], []) }
        let w = scale.map(matrix), wNames = scale?.columnNames ?? ["(Intercept)"]
        if let wNames = scale?.columnNames, !wNames.contains("(Intercept)") {
            throw FrontierError.invalidSetting("the terms of ln σu² need an intercept")
        }
        let sfaData = StochasticFrontierData(units: used.map { first.ids[$0] }, y: design.y.map { Double($0) }, x: x, xNames: design.columnNames,
                                             z: z, zNames: zNames, w: w, wNames: wNames)
        fit = try StochasticFrontier(sfaData, model: r.model)
        data = first
        request = r
        rows = used
        leftOut = design.dropped
    }

    /// Ranks by efficiency, 1 = the most efficient.
    public var ranks: [Int] {
        let e = fit.efficiency
        return e.map { k in 1 + e.filter { $0 > k }.count }
    }
}
