/// What a user can ask of a model: an option of a model command, an output, or a command that
/// takes a fitted model. ``CapabilityTable`` says which kinds support each.
public enum Capability: String, CaseIterable, Sendable, Hashable {
    case weights, robustSE, leverageHC, clusteredSE, cr2, anova, saveModel, dfbetas, xlsx, textFormats
    case join, exclude, subset, labelAndKeep, family, absorb, randomTerms
    case explain, rank, report, sensitivityOut, explainWorkbook, funnelIndicator, bootstrap

    /// The option (or command) as a user writes it.
    public var option: String {
        switch self {
        case .weights: return "--weights"
        case .robustSE: return "--se HC0 … HC5"
        case .leverageHC: return "--se HC4, HC4m or HC5"
        case .clusteredSE: return "--cluster (--se CR0, CR1)"
        case .cr2: return "--se CR2"
        case .anova: return "--anova"
        case .saveModel: return "--save-model"
        case .dfbetas: return "--dfbetas"
        case .xlsx: return "--xlsx"
        case .textFormats: return "--format markdown and csv"
        case .join: return "--join"
        case .exclude: return "--exclude"
        case .subset: return "--subset"
        case .labelAndKeep: return "--label and --keep"
        case .family: return "--family"
        case .absorb: return "--absorb"
        case .randomTerms: return "random-effect terms"
        case .explain: return "varex explain"
        case .rank: return "varex rank"
        case .report: return "varex report"
        case .sensitivityOut: return "--sensitivity-out"
        case .explainWorkbook: return "explain --xlsx"
        case .funnelIndicator: return "--funnel-indicator"
        case .bootstrap: return "--bootstrap and --resample (use --draws)"
        }
    }
}
