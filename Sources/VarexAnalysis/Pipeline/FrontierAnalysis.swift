import Varex

/// What a stochastic frontier is asked: its distribution and side, and the terms of the
/// inefficiency's mean (a truncated normal's μ = zδ) and of ln σu² (a heteroscedastic u), each
/// written as a formula's right-hand side over the same data.
public struct FrontierRequest: Sendable {
    public var model: StochasticFrontierModel
    public var meanTerms: String?
    public var scaleTerms: String?
    public var level: Double
    /// Draws for the rank intervals (``FrontierRanks``; 0: none) and their seed.
    public var rankDraws: Int
    public var seed: UInt64

    public init(model: StochasticFrontierModel, meanTerms: String? = nil, scaleTerms: String? = nil, level: Double = 0.95,
                rankDraws: Int = 0, seed: UInt64 = 1) {
        self.model = model
        self.meanTerms = meanTerms
        self.scaleTerms = scaleTerms
        self.level = level
        self.rankDraws = rankDraws
        self.seed = seed
    }
}

/// A stochastic frontier over a CSV: the frontier's design from the formula (R's coding), the
/// inefficiency's terms from theirs, over the rows every one of them can use; rows left out are
/// listed with the reason.
public struct StochasticFrontierAnalysis: Sendable {
    public let data: ModelData
    public let request: FrontierRequest
    public let fit: StochasticFrontier
    /// Rank intervals with the parameters' uncertainty, when asked for.
    public let rankDraws: FrontierRanks?
    /// Table rows in the fit, in order.
    public let rows: [Int]
    public let leftOut: [DroppedRow]

    /// `table`: the data already read (and joined), else `fitRequest` reads it.
    public init(_ fitRequest: FitRequest, frontier r: FrontierRequest, table preloaded: Table? = nil) throws {
        guard r.level > 0 && r.level < 1 else { throw FrontierError.invalidSetting("the level must lie strictly between 0 and 1") }
        if r.meanTerms != nil && r.model.distribution != .truncatedNormal {
            throw FrontierError.invalidSetting("terms of the inefficiency's mean need the truncated normal (the half-normal's and the exponential's mean is fixed by their scale)")
        }
        let first = try ModelData(fitRequest, table: preloaded)
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
        rankDraws = r.rankDraws > 0 ? try FrontierRanks(fit, draws: r.rankDraws, seed: r.seed, level: r.level) : nil
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

/// A stochastic frontier on a panel (`--panel UNIT --time PERIOD`): Pitt and Lee's
/// time-invariant inefficiency or Battese and Coelli's (1992) time-varying one. Periods are the
/// time column's distinct values in order (text or numbers); a unit may miss some.
public struct PanelFrontierAnalysis: Sendable {
    public let data: ModelData
    public let fit: PanelFrontier
    public let level: Double
    public let rows: [Int]
    public let leftOut: [DroppedRow]
    /// Each row's period label.
    public let periods: [String]
    /// The unit column's name and every row's unit (the table's first column).
    public let unitColumn: String
    public let unitCells: [String]

    public init(_ fitRequest: FitRequest, unit unitColumn: String, time: String, model: StochasticFrontierModel,
                inefficiency: PanelInefficiency, level: Double = 0.95) throws {
        guard level > 0 && level < 1 else { throw FrontierError.invalidSetting("the level must lie strictly between 0 and 1") }
        let d = try ModelData(fitRequest, unit: unitColumn)
        let table = d.table
        let unitCells = Array(try table.column(unitColumn).cells), timeColumn = try table.column(time)
        let timeCells = Array(timeColumn.cells)
        let used = d.design.rows
        // Periods in order: by value when the column is numeric, else as text.
        let distinct = Array(Set(used.map { timeCells[$0] }))
        let ordered = timeColumn.kind == .text ? distinct.sorted() : distinct.sorted { Double($0) ?? 0 < Double($1) ?? 0 }
        let periodIndex = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element, $0.offset + 1) })
        var names: [String] = [], index: [String: Int] = [:]
        var seen = Set<String>()
        let unit = used.map { r -> Int in
            let u = unitCells[r]
            if let i = index[u] { return i }
            index[u] = names.count; names.append(u); return names.count - 1
        }
        for r in used {
            let key = unitCells[r] + "\u{1F}" + timeCells[r]
            guard seen.insert(key).inserted else {
                throw ExplainError.duplicatePanelRow(unit: unitCells[r], period: timeCells[r], rows: used.filter { unitCells[$0] == unitCells[r] && timeCells[$0] == timeCells[r] }.map { $0 + 1 })
            }
        }
        let x = (0..<used.count).map { i in (0..<d.design.columnNames.count).map { Double(d.design.x[i, $0]) } }
        let sfa = StochasticFrontierData(units: used.map { unitCells[$0] }, y: d.design.y.map { Double($0) }, x: x, xNames: d.design.columnNames)
        fit = try PanelFrontier(sfa, unit: unit, unitNames: names, period: used.map { periodIndex[timeCells[$0]]! },
                                model: model, inefficiency: inefficiency)
        data = d
        self.level = level
        rows = used
        leftOut = d.design.dropped
        periods = used.map { timeCells[$0] }
        self.unitColumn = unitColumn
        self.unitCells = unitCells
    }

    /// Ranks by efficiency within each period, 1 = the most efficient.
    public var ranks: [Int] {
        let e = fit.efficiency
        return (0..<e.count).map { i in 1 + (0..<e.count).filter { periods[$0] == periods[i] && e[$0] > e[i] }.count }
    }
}
