import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// The warnings a justified group earns (issue 21): no evidence of an effect, and a term whose
/// estimate runs against the direction the user expects of it. The estimates and the groups'
/// joint tests are the ones checked against R elsewhere (`groupWaldTestsAgreeWithLmtest`); here
/// the rule that turns them into warnings, on the council data, where the estimates are (lm):
/// ascof_1a +10.31 (p 0.385), imd_score +1.691 (p 0.026), I(pop_65p/pop_18p) +262.6 (p 0.060).
struct JustifiedGroupCheckTests {
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + ascof_1a + council_type"
    static let groups = [TermGroup(name: "need", justified: true, terms: ["imd_score", "I(pop_65p/pop_18p)"]),
                         TermGroup(name: "outcome", justified: true, terms: ["ascof_1a"]),
                         TermGroup(name: "type", justified: false, terms: ["council_type"])]

    static func analysis(_ expect: [String], glm: Bool = false) throws -> [String] {
        var r = ExplainRequest(fit: FitRequest(dataPath: Fixtures.path("councils/asc_2018_19.csv"), formula: formula, id: "code"), groups: groups)
        r.expectations = try expect.map(TermExpectation.parse)
        if glm { return try GLMExplainAnalysis(r, family: .gaussian, link: .log).justifiedWarnings }
        return try ExplainAnalysis(r).justifiedWarnings
    }

    @Test func aJustifiedGroupWithoutEvidenceIsWarnedOf() throws {
        let w = try Self.analysis([])
        #expect(w.count == 1)
        #expect(w.first?.hasPrefix("the justified group 'outcome' shows no evidence of an effect on asc_net_spend_per_adult_gbp (joint test p = 0.38") == true)
        // The need group's test is far below 0.05, and the unjustified group is never warned of.
        #expect(!w.contains { $0.contains("'need'") || $0.contains("'type'") })
    }

    @Test func aTermAgainstItsExpectationIsWarnedOf() throws {
        let w = try Self.analysis(["ascof_1a:-", "imd_score:+", "I(pop_65p / pop_18p):-"])
        #expect(w.count == 3)
        #expect(w.contains { $0.hasPrefix("'ascof_1a' (group 'outcome', justified) was expected to lower asc_net_spend_per_adult_gbp, but its estimate is 10.31") && $0.contains("not significant either way") })
        #expect(w.contains { $0.hasPrefix("'I(pop_65p/pop_18p)' (group 'need', justified) was expected to lower") && $0.contains("(p = ") && $0.hasSuffix("in the opposite direction") })
        #expect(!w.contains { $0.contains("'imd_score'") })
        // The same rule for a GLM's explanation (its own estimates and tests).
        #expect(try Self.analysis(["ascof_1a:-"], glm: true).contains { $0.hasPrefix("'ascof_1a' (group 'outcome', justified) was expected to lower") })
    }

    @Test func expectationsMustNameOneCoefficient() {
        #expect(throws: ExplainError.expectationOfSeveralColumns(term: "council_type", columns: 3)) { try Self.analysis(["council_type:+"]) }
        #expect(throws: ExplainError.invalidExpectation("imd_score:up")) { try Self.analysis(["imd_score:up"]) }
        #expect(throws: (any Error).self) { try Self.analysis(["imd:+"]) }
    }
}
