import Varex

/// The one-line account of a DEA a command prints to stderr.
public enum EfficiencySummary {
    public static func line(_ a: EfficiencyAnalysis) -> String {
        let dea = a.dea, data = dea.data
        let onFrontier = dea.efficiency.filter { $0 >= 1 - 1e-9 }.count
        let mean = dea.efficiency.reduce(0, +) / Double(data.count)
        var conditions: [String] = []
        if !data.needNames.isEmpty { conditions.append("need " + data.needNames.joined(separator: ", ")) }
        if !data.fixedInputNames.isEmpty { conditions.append("fixed " + data.fixedInputNames.joined(separator: ", ")) }
        var s = "DEA (\(dea.model.orientation.rawValue) orientation, \(dea.model.returns.rawValue) returns; "
            + "\(data.inputNames.count) input\(data.inputNames.count == 1 ? "" : "s"), \(data.outputNames.count) output\(data.outputNames.count == 1 ? "" : "s")"
            + (conditions.isEmpty ? "" : "; " + conditions.joined(separator: "; ")) + "): "
            + "\(data.count) units, \(onFrontier) on the frontier, mean efficiency \(NumberFormat.significant(mean, 4))"
        if let b = a.bootstrap {
            s += "; Simar–Wilson bootstrap, \(b.replicates) replicates, bandwidth \(NumberFormat.significant(b.bandwidth, 4))"
            if !a.errorSources.isEmpty {
                s += ", outputs redrawn from their sampling errors (" + a.errorSources.map { "\($0.measure): \($0.description)" }.joined(separator: "; ") + ")"
            }
        }
        if !a.leftOut.isEmpty { s += "; \(a.leftOut.count) left out (\(TextSummary.reasons(a.leftOut)))" }
        return s
    }
}
