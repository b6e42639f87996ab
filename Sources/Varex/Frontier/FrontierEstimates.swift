/// What every stochastic-frontier fit reports: its estimates and the test that there is no
/// inefficiency (the cross-section's ``StochasticFrontier`` and the panel's ``PanelFrontier``).
public protocol FrontierEstimates: Sendable {
    var model: StochasticFrontierModel { get }
    var parameters: [Double] { get }
    var parameterNames: [String] { get }
    var standardErrors: [Double] { get }
    var logLikelihood: Double { get }
    var olsLogLikelihood: Double { get }
    var iterations: Int { get }
    var inefficiencyLR: Double { get }
    var inefficiencyRestrictions: Int { get }
    var inefficiencyPValue: Double { get }
    /// E[exp(−u) | e] per observation.
    var efficiency: [Double] { get }
}

extension StochasticFrontier: FrontierEstimates {}
extension PanelFrontier: FrontierEstimates {}
