import Foundation
import Testing
import VarexAnalysis

/// Every JSON output of the model commands against schema/varex-output.schema.json: the same
/// keys for every kind of model (linear, absorbed, GLM, mixed, streamed, panel), under `fit` in
/// an explanation, and the comparison of models. A kind whose summary drifts from the shared
/// keys fails here.
struct SchemaTests {
    static let schema = CLI.repository + "/schema/varex-output.schema.json"
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let panel = CLI.fixture("councils/asc_panel_2014_2019.csv")

    static let outputs: [(String, String, [String])] = [
        ("linear", "modelSummary", ["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type", "--anova"]),
        ("linear CR2", "modelSummary", ["fit", panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--cluster", "code", "--se", "CR2"]),
        ("absorbed", "modelSummary", ["fit", panel, "--formula", "asc_net_spend_per_adult_gbp ~ pop_65p", "--absorb", "code"]),
        ("glm", "modelSummary", ["fit", councils, "--family", "quasipoisson", "--formula",
                                 "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--cluster", "region", "--anova"]),
        ("mixed", "modelSummary", ["fit", panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | code)"]),
        ("streamed", "modelSummary", ["fit", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--stream"]),
        ("explain", "explanation", ["explain", councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type",
                                    "--justified", "need=imd_score", "--unjustified", "type=council_type"]),
        ("explain glm", "explanation", ["explain", councils, "--id", "code", "--family", "poisson", "--formula",
                                        "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--justified", "need=imd_score"]),
        ("panel", "explanation", ["explain", panel, "--panel", "code", "--time", "financial_year", "--formula",
                                  "asc_net_spend_per_adult_gbp ~ imd_score + financial_year", "--justified", "all=imd_score,financial_year",
                                  "--draws", "20"]),
        ("panel glmm", "explanation", ["explain", panel, "--panel", "code", "--time", "financial_year", "--family", "poisson", "--formula",
                                       "ascof_2a2_num ~ imd_score + financial_year + offset(log(pop_65p))", "--justified",
                                       "all=imd_score,financial_year", "--draws", "20"]),
        ("streamed mixed", "modelSummary", ["fit", panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | code)", "--stream"]),
        ("glm CR2", "modelSummary", ["fit", panel, "--family", "poisson", "--formula",
                                     "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--cluster", "code", "--se", "CR2"]),
        ("glm absorbed", "modelSummary", ["fit", councils, "--family", "poisson", "--formula",
                                          "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--absorb", "region"]),
        ("streamed glm", "modelSummary", ["fit", councils, "--family", "binomial", "--formula",
                                          "cbind(ascof_2b1_num, ascof_2b1_den - ascof_2b1_num) ~ imd_score", "--stream", "--anova"]),
        ("streamed absorbed CR2", "modelSummary", ["fit", panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year",
                                                   "--absorb", "region", "--stream", "--cluster", "code", "--se", "CR2"]),
        ("explain mixed", "explanation", ["explain", councils, "--id", "code", "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | region)",
                                          "--justified", "need=imd_score", "--unjustified", "place=(1 | region)"]),
        ("glmm", "modelSummary", ["fit", councils, "--family", "poisson", "--anova", "--formula",
                                  "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)"]),
        ("explain glmm", "explanation", ["explain", councils, "--id", "code", "--family", "poisson", "--formula",
                                         "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)",
                                         "--justified", "need=imd_score", "--unjustified", "place=(1 | region)"]),
        ("anova glmm", "comparison", ["anova", councils, "--family", "poisson",
                                      "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region)",
                                      "--formula", "ascof_2a2_num ~ imd_score + offset(log(pop_65p)) + (1 | region) + (1 | council_type)"]),
        ("anova", "comparison", ["anova", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                                 "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type"]),
        ("anova mixed", "comparison", ["anova", panel, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | code)",
                                       "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + financial_year + (1 | code)"]),
        ("anova glm", "comparison", ["anova", councils, "--family", "poisson", "--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))",
                                     "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))"]),
    ]

    @Test func everyOutputValidates() throws {
        let schema = try JSONSchema(path: Self.schema)
        var kinds: Set<String> = []
        for (name, definition, line) in Self.outputs {
            let r = try CLI.run(line + ["--json", "-"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            guard r.status == 0 else { continue }
            let value = try JSONSchema.parse(r.stdout)
            #expect(schema.problems(value, definition: definition) == [], "\(name)")
            #expect(schema.problems(value) == [], "\(name): against the whole schema (oneOf)")
            let summary = (value as? [String: Any]).flatMap { $0["fit"] as? [String: Any] ?? ($0["kind"] != nil ? $0 : nil) }
            if let kind = summary?["kind"] as? String { kinds.insert(kind) }
        }
        #expect(kinds == Set(ModelKind.allCases.map(\.rawValue)))
    }

    /// The validator itself fails what it should: a missing key, a wrong type, an extra key in a
    /// coefficient, a kind outside the list.
    @Test func theValidatorRejects() throws {
        let schema = try JSONSchema(path: Self.schema)
        let r = try CLI.run(["fit", Self.councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score", "--json", "-"])
        var good = try JSONSchema.parse(r.stdout) as! [String: Any]
        #expect(schema.problems(good, definition: "modelSummary") == [])
        var bad = good
        bad["warnings"] = nil
        #expect(schema.problems(bad, definition: "modelSummary") == ["$: no 'warnings'"])
        bad = good
        bad["n"] = "152"
        #expect(schema.problems(bad, definition: "modelSummary") == ["$.n: string, not integer"])
        bad = good
        bad["kind"] = "bayesian"
        #expect(schema.problems(bad, definition: "modelSummary").count == 1)
        var coefficients = good["coefficients"] as! [[String: Any]]
        coefficients[0]["t"] = 1.0
        good["coefficients"] = coefficients
        #expect(schema.problems(good, definition: "modelSummary") == ["$.coefficients[0]: unexpected key 't'"])
    }
}
