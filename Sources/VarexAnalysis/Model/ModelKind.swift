import Varex

/// The kinds of model Varex fits. A request's kind is chosen once, by
/// ``FitRequest/kind(family:stream:panel:)``, from its flags or spec keys; every command then
/// asks ``CapabilityTable`` what that kind supports.
public enum ModelKind: String, CaseIterable, Sendable, Hashable {
    /// OLS or WLS (`lm`).
    case linear
    /// A linear model with absorbed fixed effects (`--absorb`, as `fixest::feols`).
    case absorbed
    /// A generalized linear model (`--family`, as `glm`).
    case glm
    /// A linear mixed model (random-effect terms, as `lme4::lmer`).
    case mixed
    /// A generalized linear mixed model (random-effect terms and `--family`, as `lme4::glmer`).
    case glmm
    /// An OLS fit read a block of rows at a time (`--stream`).
    case streamed
    /// A panel explanation with a random intercept per unit (`explain --panel`).
    case panel

    /// How a message names the kind: the words a user gave for it.
    public var phrase: String {
        switch self {
        case .linear: return "a linear model"
        case .absorbed: return "--absorb"
        case .glm: return "--family"
        case .mixed: return "random-effect terms"
        case .glmm: return "random-effect terms and --family"
        case .streamed: return "--stream"
        case .panel: return "--panel"
        }
    }
}

extension FitRequest {
    /// The request's model kind: `--stream` without random-effect terms, then a panel, then
    /// random-effect terms in the formula (with a family, a GLMM; with the Gaussian family and
    /// identity link a linear mixed model, as glmer hands that case to lmer), then a family,
    /// then absorbed factors; otherwise a linear model. A mixed model with `--stream` is a mixed
    /// model: it reads the file in blocks, keeping the columns it uses, and is fitted as in
    /// memory (its criterion and every per-row output need the rows at once, as lme4's do).
    public func kind(family: Family?, link: Link? = nil, stream: Bool = false, panel: Bool = false) -> ModelKind {
        if stream && !MixedFormula.hasRandomTerms(formula) { return .streamed }
        if panel { return .panel }
        if MixedFormula.hasRandomTerms(formula) {
            guard let family, !(family == .gaussian && (link ?? .identity) == .identity) else { return .mixed }
            return .glmm
        }
        if family != nil { return .glm }
        if !absorb.isEmpty { return .absorbed }
        return .linear
    }
}

extension FitRequest {
    /// The capabilities the request's own fields ask for (weights, covariance, joins, exclusions,
    /// columns carried, absorbed factors, random-effect terms); a command adds its own flags.
    public var asked: [Capability] {
        var out: [Capability] = []
        if weights != nil { out.append(.weights) }
        if covariance == .cr2 { out.append(.cr2) } else if covariance.isClustered { out.append(.clusteredSE) } else if covariance != .classical { out.append(.robustSE) }
        if covariance == .hc4 || covariance == .hc4m || covariance == .hc5 { out.append(.leverageHC) }
        if !joins.isEmpty { out.append(.join) }
        if !exclude.isEmpty { out.append(.exclude) }
        if subset != nil { out.append(.subset) }
        if label != nil || !keep.isEmpty { out.append(.labelAndKeep) }
        if !absorb.isEmpty { out.append(.absorb) }
        if MixedFormula.hasRandomTerms(formula) { out.append(.randomTerms) }
        return out
    }
}
