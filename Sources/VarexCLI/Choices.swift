import ArgumentParser
import Varex
import VarexAnalysis

// Flags that name a setting parse it with the library's own `NamedChoice` parser, the one the
// spec reader uses, so `--se hc3` and `se: hc3` mean the same thing and fail the same way.
extension CovarianceType: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}
extension ClusterTestDF: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension Resampling: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension Overdispersion: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension Normalisation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension HigherIs: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension IndicatorKindName: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension Family: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}
extension Link: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { names }
}
extension CSVWriter.Dialect: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

/// How `fit` prints its summary on stdout.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, csv, json
}

/// How `explain` prints its summary on stdout.
enum ExplainFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
extension DEAOrientation: ExpressibleByArgument {}
extension ReturnsToScale: ExpressibleByArgument {}
extension FrontierSide: ExpressibleByArgument {}
extension InefficiencyDistribution: ExpressibleByArgument {}
extension PanelInefficiency: ExpressibleByArgument {}
extension SamplingErrorSource: ExpressibleByArgument {}
extension RankOrder: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
