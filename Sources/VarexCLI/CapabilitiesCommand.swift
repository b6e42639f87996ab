import ArgumentParser
import VarexAnalysis

/// `varex capabilities`: the capability table, what each kind of model takes, as the commands
/// apply it (every refusal they give is one of its cells).
struct CapabilitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capabilities",
        abstract: "List what each kind of model (linear, absorbed, glm, mixed, glmm, streamed, panel) takes, and why not where it does not.",
        discussion: """
        Each kind is chosen once from a command's flags or spec: --stream (without random-effect \
        terms; with them, a mixed model or GLMM read in blocks), then --panel, then random-effect \
        terms in the formula (with --family, a GLMM), then --family, then --absorb, else a linear \
        model. A \
        cell marked "not defined" is not defined by the statistics; one not yet built names \
        what to do instead.

        Examples:
          varex capabilities
          varex capabilities --kind glm
        """
    )

    @Option(help: "Only this kind: linear, absorbed, glm, mixed, glmm, streamed or panel.")
    var kind: String?

    func run() throws {
        let kinds = try kind.map { name -> [ModelKind] in
            guard let k = ModelKind(rawValue: name) else {
                throw ValidationError("--kind \(name): give one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return [k]
        } ?? ModelKind.allCases
        var out = ""
        for k in kinds {
            out += "\(k.rawValue) (\(k.phrase)):\n"
            for c in Capability.allCases {
                if let other = Self.changesKind(k, c) {
                    out += "  →    \(c.option) makes it \(other.rawValue) (see that kind)\n"
                } else if c == .leverageHC, let message = CapabilityTable.message(.robustSE, for: k) {
                    out += "  no   \(message)\n"
                } else if k == .panel, [.anova, .saveModel, .dfbetas, .textFormats].contains(c) {
                    out += "  —    \(c.option): an option of varex fit; a panel is explain --panel and report --panel\n"
                } else if k == .panel, c == .rank {
                    out += "  —    \(c.option): a panel's ranks are explain --panel's (--persistent-out) and report --panel's\n"
                } else if k == .streamed, [.explain, .rank, .report].contains(Self.command(of: c) ?? c) {
                    out += "  —    \(c.option): fits its model in memory (--stream is an option of varex fit)\n"
                } else if let command = Self.command(of: c), CapabilityTable.refusal(command, for: k) != nil {
                    out += "  —    \(c.option): an option of \(command.option), which \(k.rawValue) does not take\n"
                } else if let message = CapabilityTable.message(c, for: k) {
                    out += "  no   \(message)\n"
                } else {
                    out += "  yes  \(c.option)\n"
                }
            }
            out += "\n"
        }
        print(out, terminator: "")
    }

    /// The kind a capability turns `kind` into, by the order kinds are chosen in.
    static func changesKind(_ kind: ModelKind, _ c: Capability) -> ModelKind? {
        switch (kind, c) {
        case (.linear, .randomTerms), (.absorbed, .randomTerms), (.streamed, .randomTerms): return .mixed
        case (.glm, .randomTerms), (.mixed, .family): return .glmm
        case (.linear, .family), (.absorbed, .family): return .glm
        case (.linear, .absorb): return .absorbed
        default: return nil
        }
    }

    /// The command an option belongs to, when it is not a model option.
    static func command(of c: Capability) -> Capability? {
        switch c {
        case .sensitivityOut, .explainWorkbook: return .explain
        case .funnelIndicator, .bootstrap: return .report
        default: return nil
        }
    }
}
