import ArgumentParser
import Varex

/// `varex report`: one self-contained HTML page for an explain analysis.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report: summary, shares, funnel plot, rank intervals, waterfalls, table.",
        discussion: """
        Takes the options of `varex explain`, bootstraps rank intervals (--bootstrap, --seed), and
        optionally a funnel plot of an indicator (--funnel-indicator with --funnel-se,
        --funnel-moe or --funnel-denominator). The page needs no network to view. --out writes the
        table the page shows as CSV.

        Examples:
          varex report fixtures/councils/asc_2018_19.csv --id code --label name \\
            --formula "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type" \\
            --justified "need=log(pop_85p/pop_18p),imd_score" --unjustified type=council_type \\
            --funnel-indicator ascof_1a --funnel-moe ascof_1a_moe --html report.html --out report.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row.")
    var data: String
    @OptionGroup var model: ModelOptions
    @OptionGroup var explain: ExplainOptions

    @Option(help: "Write the HTML report here.")
    var html: String
    @Option(help: "Also write the report's table as CSV here.")
    var out: String?
    @Option(help: "Title of the page.")
    var title: String = "Varex report"
    @Option(help: "Bootstrap replicates for the rank intervals.")
    var bootstrap: Int = 1000
    @Option(help: "Resampling: cases or residuals.")
    var resample: String = "cases"
    @Option(help: "Seed of the bootstrap.")
    var seed: UInt64 = 1
    @Option(name: .customLong("funnel-indicator"), help: "Column shown in the funnel plot.")
    var funnelIndicator: String?
    @Option(name: .customLong("funnel-se"), help: "Its standard errors.")
    var funnelSE: String?
    @Option(name: .customLong("funnel-moe"), help: "Its 95% margins of error.")
    var funnelMOE: String?
    @Option(name: .customLong("funnel-denominator"), help: "Its denominators (with --funnel-kind).")
    var funnelDenominator: String?
    @Option(name: .customLong("funnel-kind"), help: "proportion (percent) or rate (per 100,000).")
    var funnelKind: String = "proportion"
    @Option(name: .customLong("funnel-overdispersion"), help: "multiplicative, additive or none.")
    var funnelOverdispersion: String = "multiplicative"

    func run() throws {
        guard let resampling = Resampling(rawValue: resample) else { throw ValidationError("--resample \(resample): expected cases or residuals") }
        guard bootstrap >= 2 else { throw ValidationError("--bootstrap \(bootstrap): at least 2 replicates") }
        guard let method = Overdispersion(rawValue: funnelOverdispersion) else {
            throw ValidationError("--funnel-overdispersion \(funnelOverdispersion): expected multiplicative, additive or none")
        }
        let analysis = try ExplainAnalysis(try explain.request(model.request(data: data)))
        let boot = try RankBootstrap(analysis: analysis, replicates: bootstrap, seed: seed, resampling: resampling)
        var funnel: (analysis: FunnelAnalysis, indicator: String)? = nil
        if let funnelIndicator {
            guard [funnelSE, funnelMOE, funnelDenominator].compactMap({ $0 }).count == 1 else {
                throw ValidationError("--funnel-indicator needs exactly one of --funnel-se, --funnel-moe or --funnel-denominator")
            }
            let request = FunnelRequest(indicator: funnelIndicator, standardError: funnelSE, marginOfError: funnelMOE,
                                        denominator: funnelDenominator, kind: funnelKind == "rate" ? .rate(per: 100_000) : .proportion(scale: 100),
                                        overdispersion: method)
            funnel = (try FunnelAnalysis(table: analysis.table, request: request), funnelIndicator)
        }
        for r in analysis.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let table = HTMLReport.table(analysis: analysis, bootstrap: boot, level: model.level)
        let page = HTMLReport.render(analysis: analysis, bootstrap: boot, table: table, funnel: funnel, title: title, level: model.level)
        var outputs: [(path: String, contents: String)] = [(html, page)]
        if let out { outputs.append((out, CSVWriter.render(table))) }
        try OutputFiles.write(outputs)
    }
}
