import ArgumentParser
import Varex
import VarexAnalysis

/// `varex demo`: the main job, an explain run on the bundled 2018-19 council data.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain adult social care spend per adult in England's councils, 2018-19 (bundled data).",
        discussion: """
        Spend per adult (18+) is explained by need (shares of adults aged 65+ and 85+, the Index of \
        Multiple Deprivation, rurality), council type and an outcome index of seven ASCOF measures, all \
        treated as justified; what is left is unexplained. City of London and the Isles of Scilly are \
        left out (tiny populations; see fixtures/councils/README.md). The residual is shown in pounds \
        per council (× adults aged 18+).

        Examples:
          varex demo
          varex demo --spend net --out councils.csv
        """
    )

    static let measures = ["ascof_1a:+", "ascof_1b:+", "ascof_3a:+", "ascof_4a:+", "ascof_2b1:+", "ascof_2a2:-", "ascof_2c1:-"]
    static let rhs = "I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + pct_rural_2011 + council_type + outcome_index"
    /// Which spend the demo explains.
    enum Spend: String, ExpressibleByArgument, CaseIterable {
        case gross, net
        var response: String { self == .gross ? "I(asc_gross_expenditure_k * 1000/pop_18p)" : "asc_net_spend_per_adult_gbp" }
        var other: Spend { self == .gross ? .net : .gross }
    }

    @OptionGroup var csv: CSVOptions

    @Option(help: "Which spend to explain: gross (default) or net.")
    var spend: Spend = .gross

    @Option(help: "Standard errors: classical, HC0, HC1, HC2, HC3, HC4, HC4m or HC5.")
    var se: CovarianceType = .hc3

    @Option(help: "Also write the full per-council decomposition as CSV to this file.")
    var out: String?

    @Option(help: "How many councils to show at each end of the ranking.")
    var top: Int = 10

    func run() throws {
        let main = try BundledData.path("councils/asc_2018_19.csv")
        let joins = [try BundledData.path("councils/gross_spend_2018_19.csv"), try BundledData.path("councils/rurality_2011.csv")]
        // The outcome index, computed from the main file and added to it as a column.
        var table = try Table(contentsOf: main, displayName: "asc_2018_19.csv")
        let index = try OutcomeIndex(table: table, measures: try Self.measures.map(Measure.parse), normalisation: .z)
        table = try table.adding(column: "outcome_index", values: index.index)
        let groups = [
            TermGroup(name: "need", justified: true, terms: ["I(100 * pop_65p/pop_18p)", "I(100 * pop_85p/pop_18p)", "imd_score", "pct_rural_2011"]),
            TermGroup(name: "type", justified: true, terms: ["council_type"]),
            TermGroup(name: "outcomes", justified: true, terms: ["outcome_index"]),
        ]
        func analysis(_ which: Spend) throws -> ExplainAnalysis {
            try ExplainAnalysis(ExplainRequest(
                fit: FitRequest(dataPath: main, formula: "\(which.response) ~ \(Self.rhs)", id: "code", covariance: se),
                joins: joins, exclude: ["E09000001", "E06000053"], label: "name", groups: groups, scale: "pop_18p"), table: table)
        }
        let chosen = try analysis(spend)
        let other = try analysis(spend.other)
        // Which spend the model explains better, and the count of councils, come from the fits.
        let chosenBetter = chosen.summary.rSquared >= other.summary.rSquared
        let (better, worse) = chosenBetter ? (chosen, other) : (other, chosen)
        let betterName = chosenBetter ? spend : spend.other
        var preface = "Varex demo: adult social care \(spend.rawValue) spend per adult, \(chosen.fit.n) English councils, 2018-19\n"
        preface += "Data: fixtures/councils (Contains public sector information licensed under the Open Government Licence v3.0.)\n"
        preface += "\(betterName.rawValue.capitalized) spend is explained by need better than \(betterName.other.rawValue) spend "
        preface += "(R² \(NumberFormat.fixed(better.summary.rSquared, decimals: 3)) against "
        preface += """
            \(NumberFormat.fixed(worse.summary.rSquared, decimals: 3)) with this model): net spend \
            subtracts income such as client charges and\n
            """
        preface += "NHS contributions, which depend on local policy rather than need. This run explains \(spend.rawValue) spend"
        preface += spend == .gross ? ".\n" : " (--spend net).\n"
        preface += "Outcome index: mean z-score of ASCOF \(Self.measures.joined(separator: " ")) (+: higher is better).\n"
        preface += "Every group is justified; the unexplained part is what the model cannot attribute to need, type or outcomes.\n\n"
        try ExplainReport.write(chosen, out: out, json: nil, format: .text, source: "asc_2018_19.csv + gross_spend + rurality",
                                top: top, preface: preface, unit: "councils", dialect: csv.dialect())
    }
}
