import Varex

/// Why a kind of model does not take a capability.
public enum Refusal: Sendable, Equatable {
    /// The statistics do not define it for this kind: the reason, and what to do instead.
    case undefined(String)
    /// Defined, but Varex does not compute it yet: what to do instead.
    case notYet(String)
}

/// One table of what each kind of model supports, and the only source of the messages that
/// refuse a combination. A cell not listed is supported.
public enum CapabilityTable {
    /// The refused cells, by kind.
    public static let refusals: [ModelKind: [Capability: Refusal]] = [
        .linear: [:],
        .absorbed: [:],
        .glm: [:],
        .mixed: [
            .robustSE: .undefined("lme4's standard errors are model-based; use a linear model with --cluster"),
            .clusteredSE: .undefined("the random effects already model the grouping; use a linear model with --cluster"),
            .cr2: .undefined("the random effects already model the grouping; use a linear model with --cluster"),
        ],
        .glmm: [
            .robustSE: .undefined("glmer's standard errors are model-based; use a GLM with --cluster"),
            .clusteredSE: .undefined("the random effects already model the grouping; use a GLM with --cluster"),
            .cr2: .undefined("the random effects already model the grouping; use a GLM with --cluster"),
        ],
        .streamed: [:],
        .panel: [
            .robustSE: .undefined("the unit's random intercept models the repeated measures"),
            .clusteredSE: .undefined("the unit's random intercept models the repeated measures"),
            .cr2: .undefined("the unit's random intercept models the repeated measures"),
            .randomTerms: .undefined("the unit's random intercept (1 | unit) is added; leave random-effect terms out of the formula"),
            .sensitivityOut: .undefined("a panel ranks the persistent effects (the units' random intercepts), which no assignment of the groups changes; explain one year for the sensitivity of its ranks"),
            .bootstrap: .undefined("a panel's rank intervals come from draws of the persistent effects"),
        ],
    ]

    /// How `kind` takes `capability`: nil when supported.
    public static func refusal(_ capability: Capability, for kind: ModelKind) -> Refusal? {
        refusals[kind]?[capability]
    }

    /// The message refusing `capability` for `kind`.
    public static func message(_ capability: Capability, for kind: ModelKind) -> String? {
        guard let r = refusal(capability, for: kind) else { return nil }
        switch r {
        case let .undefined(why): return "\(capability.option) with \(kind.phrase): not defined; \(why)"
        case let .notYet(instead): return "\(capability.option) with \(kind.phrase): not in this version; \(instead)"
        }
    }

    /// Throws the first refused capability among those asked for.
    public static func check(_ asked: [Capability], for kind: ModelKind) throws {
        for c in asked where refusal(c, for: kind) != nil { throw CapabilityError(kind: kind, capability: c) }
    }
}

/// A combination of model kind and capability that the table refuses.
public struct CapabilityError: VarexError, Equatable {
    public let kind: ModelKind
    public let capability: Capability
    public var exitCode: Int32 { 1 }
    public var description: String { CapabilityTable.message(capability, for: kind) ?? "" }
}
