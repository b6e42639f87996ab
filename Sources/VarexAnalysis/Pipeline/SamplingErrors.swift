import Varex

/// Where each outcome measure's sampling error comes from, found from the table's columns: the
/// one rule `varex value` and `varex efficiency` share.
public enum SamplingErrors {
    /// Each measure's sampling error per table row (`values[k]`: measure k as read), and how it
    /// was found. With `detect`, a measure `M` without explicit columns takes `M_moe`, else `M_num`
    /// and `M_den`; a measure with neither is exact.
    public static func find(table: Table, measures: [String], detect: Bool, marginOfError: [String: String],
                            counts: [String: (numerator: String, denominator: String)], values: [[Double]]) throws
        -> (perRow: [[SamplingError]], sources: [MeasureErrorSource]) {
        let n = table.rowCount
        var perRow: [[SamplingError]] = [], sources: [MeasureErrorSource] = []
        for unknown in Set(marginOfError.keys).union(counts.keys) where !measures.contains(unknown) {
            throw ValueError.badErrorColumns("error columns are given for '\(unknown)', which is not a measure")
        }
        func numbers(_ name: String) throws -> [Double] {
            let c = try table.column(name)
            if c.kind == .text, let bad = c.firstNonNumericRow { throw DataError.notANumber(table.location(row: bad, column: name), text: c.cells[bad]) }
            return (0..<n).map { c.isMissing[$0] ? Double.nan : Double(c.values[$0]) }
        }
        for (k, name) in measures.enumerated() {
            var moeColumn = marginOfError[name], countColumns = counts[name]
            if detect && moeColumn == nil && countColumns == nil {
                if table.names.contains(name + "_moe") { moeColumn = name + "_moe" }
                else if table.names.contains(name + "_num") && table.names.contains(name + "_den") { countColumns = (name + "_num", name + "_den") }
            }
            if let moeColumn {
                let moe = try numbers(moeColumn)
                for i in 0..<n where !values[k][i].isNaN && !moe[i].isNaN && (moe[i] < 0 || !moe[i].isFinite) {
                    throw ValueError.badErrorColumns("\(table.location(row: i, column: moeColumn)): a margin of error must be zero or positive; it is \(moe[i])")
                }
                perRow.append((0..<n).map { moe[$0].isNaN ? .exact : .marginOfError(moe[$0]) })
                sources.append(MeasureErrorSource(measure: name, description: "margin of error \(moeColumn)"))
            } else if let (numName, denName) = countColumns {
                let num = try numbers(numName), den = try numbers(denName)
                for i in 0..<n where !values[k][i].isNaN && !num[i].isNaN && !den[i].isNaN {
                    if num[i] < 0 || !num[i].isFinite { throw ValueError.badErrorColumns("\(table.location(row: i, column: numName)): a numerator must be zero or positive") }
                    if den[i] <= 0 || !den[i].isFinite { throw ValueError.badErrorColumns("\(table.location(row: i, column: denName)): a denominator must be positive") }
                }
                guard let (scale, proportion) = SamplingError.countScale(values: values[k], numerators: num, denominators: den) else {
                    throw ValueError.badErrorColumns("'\(name)' cannot be matched to \(numName)/\(denName): no row has all three positive")
                }
                perRow.append((0..<n).map { i in
                    guard !num[i].isNaN, !den[i].isNaN else { return .exact }
                    return proportion ? .proportion(numerator: num[i], denominator: den[i], scale: scale) : .rate(numerator: num[i], denominator: den[i], scale: scale)
                })
                sources.append(MeasureErrorSource(measure: name, description: "\(proportion ? "proportion" : "rate") \(numName)/\(denName) × \(NumberFormat.significant(scale, 6))"))
            } else {
                perRow.append([SamplingError](repeating: .exact, count: n))
                sources.append(MeasureErrorSource(measure: name, description: "exact"))
            }
        }
        return (perRow, sources)
    }
}
