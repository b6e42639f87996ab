import Varex
import VarexLinearAlgebra

/// Where each outcome measure's sampling error comes from.
public enum SamplingErrorSource: String, Sendable, CaseIterable {
    /// A measure `M` with a column `M_moe` has that margin of error; with `M_num` and `M_den`,
    /// those counts; otherwise it is exact. Explicit columns override.
    case auto
    /// Every measure is treated as exact (only the need models' uncertainty is drawn).
    case none
}

/// What a value view is asked: the spend column, the need terms (a formula's right-hand side),
/// the outcome measures and how they are combined, where their sampling errors are, and the draws.
public struct ValueRequest: Sendable {
    public var spend: String
    public var need: String
    public var measures: [Measure]
    public var weights: [String: Double]
    public var normalisation: Normalisation
    public var minimumMeasures: Int
    public var samplingError: SamplingErrorSource
    /// measure → its margin-of-error column.
    public var marginOfError: [String: String]
    /// measure → (numerator column, denominator column).
    public var counts: [String: (numerator: String, denominator: String)]
    public var draws: Int
    public var seed: UInt64
    public var level: Double

    public init(spend: String, need: String, measures: [Measure], weights: [String: Double] = [:], normalisation: Normalisation = .z,
                minimumMeasures: Int = 1, samplingError: SamplingErrorSource = .auto, marginOfError: [String: String] = [:],
                counts: [String: (numerator: String, denominator: String)] = [:], draws: Int = 2000, seed: UInt64 = 1, level: Double = 0.95) {
        self.spend = spend
        self.need = need
        self.measures = measures
        self.weights = weights
        self.normalisation = normalisation
        self.minimumMeasures = minimumMeasures
        self.samplingError = samplingError
        self.marginOfError = marginOfError
        self.counts = counts
        self.draws = draws
        self.seed = seed
        self.level = level
    }

    /// The fit request of the spend model, `spend ~ need`, over `data`.
    public func fitRequest(data: String, id: String?, label: String?, joins: [String], exclude: [String], subset: String?) -> FitRequest {
        var r = FitRequest(dataPath: data, formula: "\(spend) ~ \(need)", id: id, level: level, joins: joins, exclude: exclude, label: label)
        r.subset = subset
        return r
    }
}

/// How one measure's sampling error was found, for the summary and the notes.
public struct MeasureErrorSource: Sendable, Equatable {
    public let measure: String
    /// "margin of error ascof_1a_moe", "proportion ascof_2b1_num/ascof_2b1_den × 100", "exact".
    public let description: String
}

/// A value view over a CSV: the spend model's rows (spend and every need term present) that also
/// have an outcome index; rows left out are listed with the reason. A measure present without
/// its error columns is treated as exact in that row, and noted.
public struct ValueAnalysis: Sendable {
    public let data: ModelData
    public let request: ValueRequest
    public let view: ValueView
    /// Table rows in the view, in order.
    public let rows: [Int]
    public let leftOut: [DroppedRow]
    public let errorSources: [MeasureErrorSource]
    /// Per row in the view: measures treated as exact for want of error columns, or "".
    public let notes: [String]

    public init(_ fitRequest: FitRequest, value r: ValueRequest) throws {
        let first = try ModelData(fitRequest)
        let table = first.table
        let index = try OutcomeIndex(table: table, measures: r.measures, weights: r.weights, normalisation: r.normalisation,
                                     minimumMeasures: r.minimumMeasures)
        var excluded: [Int: String] = [:]
        for d in first.design.dropped { excluded[d.row] = d.reason }
        for i in 0..<table.rowCount where excluded[i] == nil && index.measuresUsed[i] < r.minimumMeasures {
            excluded[i] = index.measuresUsed[i] == 0 ? "no outcome measure" : "\(index.measuresUsed[i]) of \(r.measures.count) outcome measures, fewer than \(r.minimumMeasures)"
        }
        let design: DesignMatrix
        if excluded.count == first.design.dropped.count {
            design = first.design
        } else {
            design = try DesignMatrix(formula: first.formula, table: table, options: DesignOptions(references: fitRequest.references, excluded: excluded))
        }
        let used = design.rows
        let exact = r.samplingError == .none
        let errors = try SamplingErrors.find(table: table, measures: r.measures.map(\.column), detect: !exact,
                                             marginOfError: exact ? [:] : r.marginOfError, counts: exact ? [:] : r.counts, values: index.values)
        var notes = [String](repeating: "", count: used.count)
        for (u, row) in used.enumerated() {
            let exact = r.measures.indices.filter { k in
                !index.values[k][row].isNaN && errors.perRow[k][row] == .exact && errors.sources[k].description != "exact"
            }
            if !exact.isEmpty { notes[u] = "treated as exact (no error columns): " + exact.map { r.measures[$0].column }.joined(separator: ", ") }
        }
        let p = design.columnNames.count
        var need = Matrix(rows: used.count, columns: p)
        for i in 0..<used.count { for j in 0..<p { need[i, j] = Double(design.x[i, j]) } }
        let viewData = ValueViewData(units: used.map { first.ids[$0] }, need: need, needNames: design.columnNames,
                                     spend: design.y.map { Double($0) }, measures: r.measures, weights: index.weights,
                                     normalisation: r.normalisation, minimumMeasures: r.minimumMeasures,
                                     values: index.values.map { v in used.map { v[$0] } },
                                     errors: errors.perRow.map { e in used.map { e[$0] } })
        view = try ValueView(viewData, draws: r.draws, seed: r.seed, level: r.level)
        data = first
        request = r
        rows = used
        leftOut = design.dropped
        errorSources = errors.sources
        self.notes = notes
    }
}
