import Varex

/// What a DEA is asked: the columns that are inputs, outputs, fixed inputs and needs, the
/// model, super-efficiency and the bootstrap.
public struct EfficiencyRequest: Sendable {
    public var inputs: [String]
    public var outputs: [String]
    public var fixedInputs: [String]
    public var needs: [String]
    public var model: DEAModel
    public var superEfficiency: Bool
    /// Simar–Wilson replicates (0: no bootstrap).
    public var replicates: Int
    public var seed: UInt64
    public var level: Double
    /// Where the outputs' sampling errors come from (`.none`: the outputs are exact), and
    /// explicit error columns per output; the bootstrap then redraws the outputs each replicate.
    public var samplingError: SamplingErrorSource = .none
    public var marginOfError: [String: String] = [:]
    public var counts: [String: (numerator: String, denominator: String)] = [:]

    public init(inputs: [String], outputs: [String], fixedInputs: [String] = [], needs: [String] = [],
                model: DEAModel = DEAModel(), superEfficiency: Bool = false, replicates: Int = 0,
                seed: UInt64 = 1, level: Double = 0.95) {
        self.inputs = inputs
        self.outputs = outputs
        self.fixedInputs = fixedInputs
        self.needs = needs
        self.model = model
        self.superEfficiency = superEfficiency
        self.replicates = replicates
        self.seed = seed
        self.level = level
    }

    /// Every column the analysis reads, each once.
    public var columns: [String] {
        var seen = Set<String>()
        return (inputs + outputs + fixedInputs + needs).filter { seen.insert($0).inserted }
    }
}

/// A DEA over a table's rows: rows missing any column used are left out (and listed); a zero,
/// negative or non-numeric input or output is an error naming the file, row and column.
public struct EfficiencyAnalysis: Sendable {
    public let request: EfficiencyRequest
    public let dea: DEA
    public let bootstrap: SimarWilsonBootstrap?
    /// Each output's sampling error as found (empty when the outputs are exact).
    public let errorSources: [MeasureErrorSource]
    /// Table rows in the analysis, in order (the DEA's units).
    public let rows: [Int]
    /// Table rows left out, with the reason.
    public let leftOut: [DroppedRow]

    /// `ids` (one per table row) name the units; `leftOut` rows (by `--exclude` or `--subset`)
    /// are left out first.
    public init(table: Table, request r: EfficiencyRequest, ids: RowIDs, leftOut: [Int: String] = [:]) throws {
        let names = r.columns
        for name in r.columns where r.inputs.filter({ $0 == name }).count + r.outputs.filter({ $0 == name }).count
            + r.fixedInputs.filter({ $0 == name }).count + r.needs.filter({ $0 == name }).count > 1 {
            throw FrontierError.invalidSetting("'\(name)' is named twice among the inputs, outputs and needs: give each column one role")
        }
        let columns = try names.map { try table.column($0) }
        for c in columns where c.kind == .text {
            guard let bad = (0..<table.rowCount).first(where: { leftOut[$0] == nil && !c.isMissing[$0] && !c.values[$0].isFinite && !c.values[$0].isInfinite }) else { continue }
            throw DataError.notANumber(table.location(row: bad, column: c.name), text: c.cells[bad])
        }
        var rows: [Int] = [], dropped: [DroppedRow] = []
        for i in 0..<table.rowCount {
            if let why = leftOut[i] { dropped.append(DroppedRow(row: i, reason: why)); continue }
            if let c = columns.first(where: { $0.isMissing[i] }) { dropped.append(DroppedRow(row: i, reason: "missing \(c.name)")); continue }
            rows.append(i)
        }
        let byName = Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0) })
        func values(_ list: [String]) -> [String: [Double]] {
            var out: [String: [Double]] = [:]
            for n in list { out[n] = rows.map { Double(byName[n]!.values[$0]) } }
            return out
        }
        let kept = rows
        let locate: (String, Int) -> CellLocation? = { column, unit in table.location(row: kept[unit], column: column) }
        let minimum = r.inputs.count + r.outputs.count + r.fixedInputs.count + r.needs.count + 1
        guard rows.count >= minimum else {
            let why = dropped.isEmpty ? "" : "; \(dropped.count) row\(dropped.count == 1 ? "" : "s") left out (\(TextSummary.reasons(dropped)))"
            throw FrontierError.invalidSetting("DEA with \(minimum - 1) variables needs at least \(minimum) units; the data have \(rows.count)\(why)")
        }
        let data = try DEAData(units: rows.map { ids[$0] },
                               inputs: values(r.inputs), inputNames: r.inputs,
                               outputs: values(r.outputs), outputNames: r.outputs,
                               fixedInputs: values(r.fixedInputs), fixedInputNames: r.fixedInputs,
                               needs: values(r.needs), needNames: r.needs,
                               locate: locate)
        dea = try DEA(data, model: r.model, superEfficiency: r.superEfficiency)
        var outputErrors: [[SamplingError]]? = nil
        if r.samplingError != .none || !r.marginOfError.isEmpty || !r.counts.isEmpty {
            guard r.replicates > 0 else {
                throw FrontierError.invalidSetting("the outputs' sampling errors are carried by the bootstrap: ask for bootstrap replicates too")
            }
            let all = try r.outputs.map { name in
                let c = try table.column(name)
                return (0..<table.rowCount).map { c.isMissing[$0] ? Double.nan : Double(c.values[$0]) }
            }
            let found = try SamplingErrors.find(table: table, measures: r.outputs, detect: r.samplingError == .auto,
                                                marginOfError: r.marginOfError, counts: r.counts, values: all)
            outputErrors = rows.map { row in r.outputs.indices.map { found.perRow[$0][row] } }
            errorSources = found.sources
        } else {
            errorSources = []
        }
        bootstrap = r.replicates > 0 ? try SimarWilsonBootstrap(dea, replicates: r.replicates, seed: r.seed, level: r.level, outputErrors: outputErrors) : nil
        request = r
        self.rows = rows
        self.leftOut = dropped
    }

    /// Ranks by efficiency, 1 = the most efficient (ties share the best rank); by
    /// super-efficiency when it was computed (a unit whose programme has none ranks first).
    public var ranks: [Int] {
        let key: [Double] = dea.superEfficiency.map { $0.map { $0 ?? .infinity } } ?? dea.efficiency
        return key.map { k in 1 + key.filter { $0 > k + 1e-12 }.count }
    }
}
