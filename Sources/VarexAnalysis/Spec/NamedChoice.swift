import Varex
/// A setting named by a word (`HC3`, `residuals`, `better`), read by one parser whether it comes
/// from a command-line flag or a spec key, so the two can never disagree.
public protocol NamedChoice: Sendable {
    /// The value `name` stands for, or nil.
    init?(name: String)
    /// Every accepted word, in the order messages list them.
    static var names: [String] { get }
}

extension NamedChoice {
    /// "a, b or c", for messages.
    public static var choices: String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

extension NamedChoice where Self: RawRepresentable & CaseIterable, RawValue == String {
    public init?(name: String) {
        guard let c = Self.allCases.first(where: { $0.rawValue == name }) else { return nil }
        self = c
    }
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// Whether a higher response is worse (spend: rank 1 is the largest unjustified value) or
/// better (outcomes: rank 1 is the smallest).
public enum HigherIs: String, NamedChoice, CaseIterable {
    case worse, better
}

/// `worst-first` or `best-first`, by name (the order is the library's, ``RankOrder``).
extension RankOrder: NamedChoice {}

/// What an indicator is, by name, before its scale is known (`proportion`, `rate`).
public enum IndicatorKindName: String, NamedChoice, CaseIterable {
    case proportion, rate

    /// The kind with its scale (a proportion of `scale`) or base (a rate per `per`).
    public func kind(scale: Double = 100, per: Double = 100_000) -> FunnelRequest.Kind {
        self == .proportion ? .proportion(scale: scale) : .rate(per: per)
    }
}

extension CovarianceType: NamedChoice {
    public static var names: [String] { allCases.map(\.rawValue) }
}
extension ClusterTestDF: NamedChoice {}
extension Resampling: NamedChoice {}
extension Overdispersion: NamedChoice {}
extension Normalisation: NamedChoice {}

extension Family: NamedChoice {}
extension Link: NamedChoice {}

/// `auto` or `none`: where the measures' sampling errors come from.
extension SamplingErrorSource: NamedChoice {}
