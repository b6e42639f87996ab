import ArgumentParser
import Varex
import VarexAnalysis

struct AnovaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anova",
        abstract: "Compare nested models by F test, as R's anova(m1, m2): saved models, or formulas fitted to one CSV.",
        discussion: """
        Give two or more models saved by `varex fit --save-model` (fitted to the same data), or one \
        CSV and two or more --formula options (fitted with the same --id, --weights, --join and \
        --exclude). Each model is tested against the one before it; every F uses the residual \
        variance of the model with the fewest residual degrees of freedom. The models must use the \
        same rows.

        Examples:
          varex anova small.json big.json
          varex anova fixtures/councils/asc_2018_19.csv --formula "asc_net_spend_per_adult_gbp ~ imd_score" \\
            --formula "asc_net_spend_per_adult_gbp ~ imd_score + council_type"
        """
    )

    @Argument(help: "Saved models (.json), or one CSV file with --formula.")
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: "A model formula (repeatable; with a CSV).")
    var formula: [String] = []

    @Option(help: "Column that identifies each row (the key for --join).")
    var id: String?

    @Option(help: "Column of case weights (WLS).")
    var weights: String?

    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []

    @Option(help: "Leave the row with this id out of every fit (repeatable).")
    var exclude: [String] = []

    @Option(help: "With a CSV: fit GLMs of this family (as `varex fit --family`) and compare their deviances (χ² for binomial and Poisson, F where the dispersion is estimated). Saved GLMs are compared so without it.")
    var family: Family?

    @Option(help: "The GLMs' link (default: the family's).")
    var link: Link?

    @Option(help: "Write the comparison as JSON to this file (`-` for stdout).")
    var json: String?

    func validate() throws {
        if link != nil && family == nil { throw ValidationError("--link needs --family") }
        if formula.isEmpty, family != nil { throw ValidationError("--family is for a CSV with --formula; saved GLMs carry their family") }
        if formula.isEmpty {
            guard inputs.count >= 2 else { throw ValidationError("give two or more saved models, or a CSV and two or more --formula") }
        } else {
            guard inputs.count == 1 else { throw ValidationError("with --formula, give exactly one CSV file") }
            guard formula.count >= 2 else { throw ValidationError("give two or more --formula to compare") }
        }
    }

    func run() throws {
        let c: ComparisonAnalysis
        if formula.isEmpty {
            c = try ComparisonAnalysis(modelPaths: inputs)
        } else {
            let request = FitRequest(dataPath: inputs[0], formula: formula[0], id: id, weights: weights, joins: join, exclude: exclude)
            c = try ComparisonAnalysis(request: request, formulas: formula, family: family, link: link)
        }
        for (a, b) in c.notNested {
            Console.error("varex: warning: models \(a + 1) and \(b + 1) are not nested (neither's terms contain the other's); the F test assumes they are")
        }
        var outputs: [(path: String, contents: String)] = []
        if let json { outputs.append((json, try AnovaText.json(c))) }
        if json != "-" { outputs.append(("-", AnovaText.render(c))) }
        try OutputFiles.write(outputs)
    }
}
