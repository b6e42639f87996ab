import ArgumentParser
import Varex
import VarexAnalysis

/// The options that turn a model into an explanation (`explain`, `rank`, `report`); each may
/// come from the spec, and a flag given on the command line wins.
struct ExplainOptions: ParsableArguments {
    @Option(help: "A justified group, NAME=term1,term2 (repeatable).")
    var justified: [String] = []

    @Option(help: "An unjustified group, NAME=term1,term2 (repeatable).")
    var unjustified: [String] = []

    @Option(help: "A column that turns the per-head response into totals (e.g. pop_18p for spend per adult).")
    var scale: String?

    @Option(help: "Explain a GLM's linear predictor: binomial, quasibinomial, poisson, quasipoisson, gaussian or Gamma; levels are reported on the response scale. With random-effect terms, or with --panel, a GLMM's (binomial or poisson, as lme4's glmer).")
    var family: Family?

    @Option(help: "The GLM's link (default: the family's).")
    var link: Link?

    @Option(help: "What the rows are, for the summaries' wording (default: councils).")
    var unit: String = "councils"

    @Option(help: ArgumentHelp("The direction you expect of a term, TERM:+ (a higher value raises the response) or TERM:- (repeatable): one whose estimate runs the other way is warned of. A justified group with no evidence of an effect is always warned of.", valueName: "TERM:+|-"))
    var expect: [String] = []

    @Option(name: .customLong("higher-is"), help: "Whether a higher response is 'worse' (spend; default) or 'better' (outcomes).")
    var higherIs: HigherIs?

    @Option(name: .customLong("rank-order"), help: "Which end is rank 1: worst-first (the largest unjustified spend, or the poorest outcome; default) or best-first.")
    var rankOrder: RankOrder?

    /// The explain request: the model's merged spec with these flags written over it.
    /// The GLM family and link: the flags, else the spec's `family:` and `link:`.
    func glm(spec: AnalysisSpec?) -> (family: Family?, link: Link?) {
        (family ?? spec?.family, link ?? spec?.link)
    }

    func request(model: ModelOptions, data: String?, spec: AnalysisSpec?) throws -> ExplainRequest {
        var s = try model.merged(data: data, spec: spec)
        if let higherIs { s.higherIs = higherIs }
        if let rankOrder { s.rankOrder = rankOrder }
        if !justified.isEmpty || !unjustified.isEmpty {
            s.justified = try justified.map { g in let t = try TermGroup.parse(g, justified: true); return (t.name, t.terms) }
            s.unjustified = try unjustified.map { g in let t = try TermGroup.parse(g, justified: false); return (t.name, t.terms) }
        }
        if let scale { s.scale = scale }
        var request = try ExplainRequest(spec: s)
        request.expectations = try expect.map(TermExpectation.parse)
        return request
    }
}
