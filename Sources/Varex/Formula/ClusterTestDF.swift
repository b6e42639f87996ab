/// The denominator df of t and F tests with a clustered covariance (CR0, CR1).
public enum ClusterTestDF: String, Sendable, CaseIterable {
    /// G − 1, G the fewest clusters of any clustering column: Stata's choice, the default.
    case clusters
    /// n − rank, the residual df: R's `lmtest::coeftest(fit, vcovCL)` and
    /// `car::Anova(fit, vcov. = vcovCL)`.
    case residual
}
