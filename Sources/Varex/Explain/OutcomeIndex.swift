/// How each measure is put on a common scale before the measures are combined.
public enum Normalisation: String, Sendable, CaseIterable {
    /// (x − mean) / SD (sample SD, over the rows where the measure is present).
    case z
    /// (x − min) / (max − min), in [0, 1].
    case minmax
    /// (rank − 1) / (n − 1), in [0, 1]; ties share their average rank.
    case rank
}

/// One outcome measure: a numeric column and whether higher values are better.
public struct Measure: Sendable, Equatable {
    public let column: String
    public let higherIsBetter: Bool

    public init(column: String, higherIsBetter: Bool) {
        self.column = column
        self.higherIsBetter = higherIsBetter
    }

    /// Parses `COLUMN:+` or `COLUMN:-`.
    public static func parse(_ s: String) throws -> Measure {
        guard let (column, plus) = SignedName.parse(s) else { throw ExplainError.invalidMeasure(s) }
        return Measure(column: column, higherIsBetter: plus)
    }
}

/// `NAME:+` or `NAME:-`, as measures and expectations are written.
enum SignedName {
    static func parse(_ s: String) -> (name: String, plus: Bool)? {
        guard let colon = s.lastIndex(of: ":"), colon != s.startIndex else { return nil }
        let name = String(s[..<colon]).trimmingSpaces
        switch String(s[s.index(after: colon)...]).trimmingSpaces {
        case "+": return (name, true)
        case "-": return (name, false)
        default: return nil
        }
    }
}

/// Several outcome measures combined into one index per row: each measure normalised and
/// oriented so that higher is better, then the weighted mean over the measures present in the
/// row (a row missing some measures is re-weighted over the others, and noted).
public struct OutcomeIndex: Sendable {
    public let measures: [Measure]
    public let weights: [Double]
    public let normalisation: Normalisation
    /// The index per row (NaN when no measure is present).
    public let index: [Double]
    /// values[k][i]: measure k as read (NaN where missing).
    public let values: [[Double]]
    /// components[k][i]: measure k normalised and oriented (NaN where missing).
    public let components: [[Double]]
    /// How many measures each row has.
    public let measuresUsed: [Int]
    /// Per row: which measures were missing, or "".
    public let notes: [String]
    /// The fewest measures a row needs for an index (1: any).
    public let minimumMeasures: Int

    /// - Parameter minimumMeasures: a row with fewer measures present gets no index (NaN, and
    ///   so no rank), with a note; 1 (the default) indexes any row with a measure.
    public init(table: Table, measures: [Measure], weights: [String: Double] = [:], normalisation: Normalisation = .z,
                minimumMeasures: Int = 1) throws {
        guard !measures.isEmpty else { throw ExplainError.invalidMeasure("(none given)") }
        guard (1...measures.count).contains(minimumMeasures) else {
            throw ExplainError.invalidMinimumMeasures(minimumMeasures, measures: measures.count)
        }
        for (name, w) in weights {
            guard measures.contains(where: { $0.column == name }) else { throw ExplainError.weightForUnknownMeasure("\(name)=\(w)") }
            guard w > 0, w.isFinite else { throw ExplainError.invalidWeight("\(name)=\(w)") }
        }
        let n = table.rowCount
        var values: [[Double]] = []
        for m in measures {
            let c = try table.column(m.column)
            if c.kind == .text, let bad = c.firstNonNumericRow {
                throw DataError.notANumber(table.location(row: bad, column: m.column), text: c.cells[bad])
            }
            for i in 0..<n where c.values[i].isInfinite {
                throw DataError.infiniteValue(table.location(row: i, column: m.column), text: c.cells[i])
            }
            let x = (0..<n).map { c.isMissing[$0] ? Double.nan : Double(c.values[$0]) }
            let present = x.filter { !$0.isNaN }
            guard !present.isEmpty else { throw ExplainError.measureAllMissing(column: m.column) }
            guard present.contains(where: { $0 != present[0] }) else { throw ExplainError.measureConstant(column: m.column) }
            values.append(x)
        }
        let w = measures.map { weights[$0.column] ?? 1 }
        let components = Self.components(values, measures: measures, normalisation: normalisation)
        let (index, used) = Self.combine(components, weights: w, minimumMeasures: minimumMeasures)
        var notes = [String](repeating: "", count: n)
        for i in 0..<n {
            let missing = measures.indices.filter { components[$0][i].isNaN }.map { measures[$0].column }
            if missing.count == measures.count {
                notes[i] = "no measures present"
            } else if used[i] < minimumMeasures {
                notes[i] = "no index: \(used[i]) of \(measures.count) measures, fewer than the \(minimumMeasures) required (missing \(missing.joined(separator: ", ")))"
            } else if !missing.isEmpty {
                notes[i] = "re-weighted over \(used[i]) of \(measures.count) measures (missing \(missing.joined(separator: ", ")))"
            }
        }
        self.measures = measures
        self.weights = w
        self.normalisation = normalisation
        self.index = index
        self.values = values
        self.components = components
        self.measuresUsed = used
        self.notes = notes
        self.minimumMeasures = minimumMeasures
    }

    /// Each measure normalised over the rows where it is present and oriented so that higher is
    /// better (NaN where missing): `values[k][i]` is measure k in row i.
    public static func components(_ values: [[Double]], measures: [Measure], normalisation: Normalisation) -> [[Double]] {
        zip(values, measures).map { x, m in
            let v = normalise(x, normalisation)
            guard !m.higherIsBetter else { return v }
            return v.map { normalisation == .z ? -$0 : 1 - $0 }
        }
    }

    /// The weighted mean of the components a row has (NaN with fewer than `minimumMeasures`),
    /// and how many it has.
    public static func combine(_ components: [[Double]], weights w: [Double], minimumMeasures: Int) -> (index: [Double], used: [Int]) {
        let n = components.first?.count ?? 0
        var index = [Double](repeating: .nan, count: n), used = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0, sw = 0.0
            for k in components.indices where !components[k][i].isNaN {
                s += w[k] * components[k][i]
                sw += w[k]
                used[i] += 1
            }
            if sw > 0, used[i] >= minimumMeasures { index[i] = s / sw }
        }
        return (index, used)
    }

    static func normalise(_ x: [Double], _ method: Normalisation) -> [Double] {
        let present = x.filter { !$0.isNaN }
        switch method {
        case .z:
            let mean = present.reduce(0, +) / Double(present.count)
            let sd = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count - 1)).squareRoot()
            return x.map { ($0 - mean) / sd }
        case .minmax:
            let lo = present.min()!, hi = present.max()!
            return x.map { ($0 - lo) / (hi - lo) }
        case .rank:
            let sorted = present.sorted()
            let m = Double(present.count)
            return x.map { v in
                guard !v.isNaN else { return .nan }
                // Average rank of ties: (first + last position) / 2, 1-based.
                let first = Self.lowerBound(sorted, v), last = Self.upperBound(sorted, v)
                let rank = Double(first + last) / 2 + 1
                return (rank - 1) / (m - 1)
            }
        }
    }

    static func lowerBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] < v { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    static func upperBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let mid = (lo + hi) / 2; if a[mid] <= v { lo = mid + 1 } else { hi = mid } }
        return lo - 1
    }
}


