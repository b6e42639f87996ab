import ArgumentParser
import Varex
import VarexAnalysis

/// `varex report`: one self-contained HTML page for an explain analysis.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report: summary, shares, funnel plot, rank intervals, waterfalls, table.",
        discussion: """
        Takes the options of `varex explain`, bootstraps rank intervals (--bootstrap, --seed), and \
        optionally a funnel plot of an indicator (--funnel-indicator with --funnel-se, --funnel-moe or \
        --funnel-denominator). The page needs no network to view. --out writes the table the page shows \
        as CSV.

        Examples:
          varex report fixtures/councils/asc_2018_19.csv --id code --label name \\
            --formula "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type" \\
            --justified "need=log(pop_85p/pop_18p),imd_score" --unjustified type=council_type \\
            --funnel-indicator ascof_1a --funnel-moe ascof_1a_moe --html report.html --out report.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row (or gzip-compressed, .csv.gz); optional with --spec.")
    var data: String?

    @OptionGroup var csv: CSVOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var explain: ExplainOptions
    @OptionGroup var published: PublicationOptions

    @Option(help: "Write the HTML report here.")
    var html: String
    @Option(help: "Also write the report's table as CSV here.")
    var out: String?
    @Option(help: "Also write the report's table as an Excel workbook (.xlsx): full precision, with £, % and probability formats, and a summary sheet.")
    var xlsx: String?
    @Option(help: "Title of the page.")
    var title: String?
    @Option(help: "Bootstrap replicates for the rank intervals (default 1000).")
    var bootstrap: Int?
    @Option(help: "Resampling: cases (default) or residuals.")
    var resample: Resampling?
    @Option(help: "Seed of the bootstrap (default 1).")
    var seed: UInt64?
    @Option(help: "A panel: the column naming each unit (with --time): the report shows each unit over the periods and its persistent effect (as explain --panel).")
    var panel: String?
    @Option(help: "A panel's period column.")
    var time: String?
    @Option(help: "With --panel: draws for the persistent rank intervals (default 1000).")
    var draws: Int = 1000
    @Option(name: .customLong("persistent-bootstrap"), help: ArgumentHelp("With --panel: also give each unit's persistent effect an interval from this many parametric-bootstrap refits, in --out and --xlsx.", valueName: "N"))
    var persistentBootstrap: Int?
    @Option(name: .customLong("funnel-indicator"), help: "Column shown in the funnel plot.")
    var funnelIndicator: String?
    @Option(name: .customLong("funnel-se"), help: "Its standard errors.")
    var funnelSE: String?
    @Option(name: .customLong("funnel-moe"), help: "Its 95% margins of error.")
    var funnelMOE: String?
    @Option(name: .customLong("funnel-denominator"), help: "Its denominators (with --funnel-kind).")
    var funnelDenominator: String?
    @Option(name: .customLong("funnel-kind"), help: "proportion (percent; default) or rate (per 100,000).")
    var funnelKind: IndicatorKindName?
    @Option(name: .customLong("funnel-expected"), help: "A risk-adjusted funnel: the column of expected counts; --funnel-indicator is then the observed count and the plot shows observed/expected.")
    var funnelExpected: String?
    @Option(name: .customLong("funnel-overdispersion"), help: "multiplicative (default), additive or none.")
    var funnelOverdispersion: Overdispersion?

    /// A panel's page, with `--out` (the units table) and `--xlsx`, all or nothing.
    func writePanel(_ a: some PanelExplanation, page: String, workbook: () throws -> [UInt8]) throws {
        var outputs: [(path: String, bytes: [UInt8])] = [(html, Array(page.utf8))]
        if let out { outputs.append((out, Array(CSVWriter.render(a.unitsTable(), dialect: csv.dialect()).utf8))) }
        if let xlsx { outputs.append((xlsx, try workbook())) }
        try OutputFiles.write(bytes: outputs)
    }

    func run() throws {
        let spec = try model.loadSpec()
        if let unit = panel ?? spec?.panel {
            guard let period = time ?? spec?.time else { throw ValidationError("--panel needs --time, the period column (or the spec's time:)") }
            let explainRequest = try explain.request(model: model, data: data, spec: spec)
            try CapabilityTable.check(asked(explainRequest.fit), for: .panel)
            if let b = persistentBootstrap, !(2...PersistentBootstrap.maximumReplicates).contains(b) {
                throw ValidationError("--persistent-bootstrap \(b): give 2 to \(PersistentBootstrap.maximumReplicates)")
            }
            let request = PanelRequest(explain: explainRequest, panel: unit, time: period, draws: draws, seed: seed ?? 1,
                                       persistentBootstrap: persistentBootstrap)
            let method = funnelOverdispersion ?? spec?.report.funnelOverdispersion ?? .multiplicative
            _ = try funnelRequest(spec: spec, method: method)
            let title = self.title ?? spec?.report.title ?? "Varex report"
            let (family, link) = explain.glm(spec: spec)
            // A funnel of one value per unit: the last period's rows.
            if let family = PanelGLMMAnalysis.family(family, link: link) {
                let a = try PanelGLMMAnalysis(request, family: family, link: link)
                for w in PanelSummary.warnings(a) + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
                let funnel = try funnelRequest(spec: spec, method: method).map { try PanelHTMLReport.Funnel(a, request: $0) }
                try writePanel(a, page: PanelHTMLReport.render(a, funnel: funnel, title: title, unit: explain.unit,
                                                                         publication: try published.publication(spec: spec, dataPath: explainRequest.fit.dataPath,
                                                                                                                joins: explainRequest.fit.joins)),
                               workbook: { try PanelSummary.workbook(a, unit: explain.unit, publication: try published.publication(spec: spec, dataPath: explainRequest.fit.dataPath, joins: explainRequest.fit.joins)) })
            } else {
                let a = try PanelAnalysis(request)
                for w in PanelSummary.warnings(a) + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
                let funnel = try funnelRequest(spec: spec, method: method).map { try PanelHTMLReport.Funnel(a, request: $0) }
                try writePanel(a, page: PanelHTMLReport.render(a, funnel: funnel, title: title, unit: explain.unit,
                                                                         publication: try published.publication(spec: spec, dataPath: explainRequest.fit.dataPath,
                                                                                                                joins: explainRequest.fit.joins)),
                               workbook: { try PanelSummary.workbook(a, unit: explain.unit, publication: try published.publication(spec: spec, dataPath: explainRequest.fit.dataPath, joins: explainRequest.fit.joins)) })
            }
            return
        }
        if time != nil || persistentBootstrap != nil { throw ValidationError("--time and --persistent-bootstrap go with --panel UNIT") }
        let settings = try BootstrapSettings(replicates: bootstrap, seed: seed, resampling: resample, spec: spec)
        let r = spec?.report
        let method = funnelOverdispersion ?? r?.funnelOverdispersion ?? .multiplicative
        // The funnel's settings are checked before any fit, so a wrong one is the only line said.
        _ = try funnelRequest(spec: spec, method: method)
        let request = try explain.request(model: model, data: data, spec: spec)
        let (family, link) = explain.glm(spec: spec)
        let kind = request.fit.kind(family: family, link: link)
        try CapabilityTable.check(asked(request.fit, family: family), for: kind)
        if kind == .glmm, let family {
            try writeGLMMReport(request, family: family, link: link, settings: settings, method: method, spec: spec)
            return
        }
        if let family, kind == .glm {
            try writeGLMReport(request, family: family, link: link, settings: settings, method: method, spec: spec)
            return
        }
        if kind == .mixed {
            try writeMixedReport(request, settings: settings, method: method, spec: spec)
            return
        }
        // An absorbed factor is refitted in each replicate as its dummies (the same model).
        let analysis = try ExplainAnalysis(request.absorbedAsDummies())
        let boot = try RankBootstrap(analysis: analysis, replicates: settings.replicates, seed: settings.seed, resampling: settings.resampling)
        var funnel: (analysis: FunnelAnalysis, indicator: String)? = nil
        if let request = try funnelRequest(spec: spec, method: method) {
            funnel = (try FunnelAnalysis(table: analysis.table, request: request, ids: analysis.ids), request.indicator)
        }
        for jr in analysis.joinReports { if let m = jr.message { Console.error("varex: \(m)") } }
        let level = analysis.request.fit.level
        let table = HTMLReport.table(analysis: analysis, bootstrap: boot, level: level)
        let publication = try published.publication(spec: spec, dataPath: request.fit.dataPath, joins: request.fit.joins, table: table)
        let page = HTMLReport.render(analysis: analysis, bootstrap: boot, table: table, funnel: funnel,
                                     title: title ?? r?.title ?? "Varex report", level: level, unit: explain.unit, publication: publication)
        // The warnings once every step that can fail has run: a failing run says one line.
        Console.warnings(analysis.summary)
        for w in analysis.justifiedWarnings { Console.error("varex: warning: \(w)") }
        var outputs: [(path: String, bytes: [UInt8])] = [(html, Array(page.utf8))]
        if let out { outputs.append((out, Array(CSVWriter.render(table, dialect: csv.dialect()).utf8))) }
        if let xlsx {
            outputs.append((xlsx, try ExplainReport.workbook(analysis, table: table, publication: publication,
                                                             settings: ["Rank intervals: \(boot.replicates) bootstrap replicates (\(boot.resampling.rawValue) resampled), seed \(boot.seed)."])))
        }
        try OutputFiles.write(bytes: outputs)
    }
}

extension ReportCommand {
    /// The funnel the flags (or the spec's report keys) ask for, if any.
    func funnelRequest(spec: AnalysisSpec?, method: Overdispersion) throws -> FunnelRequest? {
        let r = spec?.report
        guard let indicator = funnelIndicator ?? r?.funnelIndicator else { return nil }
        let fromFlags = [funnelSE, funnelMOE, funnelDenominator, funnelExpected].contains { $0 != nil }
        let se = fromFlags ? funnelSE : r?.funnelSE, moe = fromFlags ? funnelMOE : r?.funnelMOE
        let denominator = fromFlags ? funnelDenominator : r?.funnelDenominator
        let expected = fromFlags ? funnelExpected : nil
        guard [se, moe, denominator, expected].compactMap({ $0 }).count == 1 else {
            throw ValidationError("--funnel-indicator needs exactly one of --funnel-se, --funnel-moe, --funnel-denominator or --funnel-expected")
        }
        let kind = funnelKind ?? r?.funnelKind
        return FunnelRequest(indicator: indicator, standardError: se, marginOfError: moe, denominator: denominator,
                             kind: expected == nil ? kind?.kind() : nil, overdispersion: method, expected: expected)
    }

    /// `report` with random-effect terms: the mixed model's explanation, its rank intervals from
    /// draws of its parameters, and the funnel asked for.
    func writeMixedReport(_ request: ExplainRequest, settings: BootstrapSettings, method: Overdispersion, spec: AnalysisSpec?) throws {
        guard resample == nil else {
            throw ValidationError("--resample is for linear models; a mixed model's replicates draw its fixed effects and conditional modes")
        }
        let a = try MixedExplainAnalysis(request)
        for w in a.mixed.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
        for jr in a.mixed.data.joinReports { if let m = jr.message { Console.error("varex: \(m)") } }
        let boot = try RankBootstrap(mixed: a.mixed.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                     replicates: settings.replicates, seed: settings.seed)
        var funnel: (analysis: FunnelAnalysis, indicator: String)? = nil
        if let f = try funnelRequest(spec: spec, method: method) {
            funnel = (try FunnelAnalysis(table: a.mixed.data.table, request: f, ids: a.mixed.data.ids), f.indicator)
        }
        let level = request.fit.level
        let table = MixedHTMLReport.table(a, bootstrap: boot, level: level)
        let publication = try published.publication(spec: spec, dataPath: request.fit.dataPath, joins: request.fit.joins, table: table)
        let page = MixedHTMLReport.render(a, bootstrap: boot, table: table, funnel: funnel, title: title ?? spec?.report.title ?? "Varex report",
                                          level: level, unit: explain.unit, publication: publication)
        var outputs: [(path: String, bytes: [UInt8])] = [(html, Array(page.utf8))]
        if let out { outputs.append((out, Array(CSVWriter.render(table, dialect: csv.dialect()).utf8))) }
        if let xlsx {
            outputs.append((xlsx, try MixedExplainSummary.workbook(a, table: table, publication: publication, settings: boot.drawnDescription.settings)))
        }
        try OutputFiles.write(bytes: outputs)
    }

    /// `report --family` with random-effect terms: the GLMM's explanation, its rank intervals
    /// from draws of its parameters, and the funnel asked for, or else observed over the
    /// population-level expected counts (a count family).
    func writeGLMMReport(_ request: ExplainRequest, family: Family, link: Link?, settings: BootstrapSettings, method: Overdispersion,
                         spec: AnalysisSpec?) throws {
        guard resample == nil else {
            throw ValidationError("--resample is for linear models; a GLMM's replicates draw its fixed effects and conditional modes")
        }
        let a = try GLMMExplainAnalysis(request, family: family, link: link)
        for w in a.glmm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
        for jr in a.glmm.data.joinReports { if let m = jr.message { Console.error("varex: \(m)") } }
        let boot = try RankBootstrap(glmm: a.glmm.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                     replicates: settings.replicates, seed: settings.seed)
        var funnel: (analysis: FunnelAnalysis, indicator: String)? = nil
        if let f = try funnelRequest(spec: spec, method: method) {
            funnel = (try FunnelAnalysis(table: a.glmm.data.table, request: f, ids: a.glmm.data.ids), f.indicator)
        } else if ExpectedCounts.countsEvents(family) {
            let counts = try ExpectedCounts(glmm: a.glmm)
            let r = FunnelRequest(indicator: ExpectedCounts.observed, overdispersion: method, expected: ExpectedCounts.expected)
            funnel = (try FunnelAnalysis(table: counts.table, request: r, ids: a.glmm.data.ids), "observed / expected")
        }
        let level = request.fit.level
        let table = GLMMHTMLReport.table(a, bootstrap: boot, level: level)
        let publication = try published.publication(spec: spec, dataPath: request.fit.dataPath, joins: request.fit.joins, table: table)
        let page = GLMMHTMLReport.render(a, bootstrap: boot, table: table, funnel: funnel, title: title ?? spec?.report.title ?? "Varex report",
                                         level: level, unit: explain.unit, publication: publication)
        var outputs: [(path: String, bytes: [UInt8])] = [(html, Array(page.utf8))]
        if let out { outputs.append((out, Array(CSVWriter.render(table, dialect: csv.dialect()).utf8))) }
        if let xlsx {
            outputs.append((xlsx, try GLMMExplainSummary.workbook(a, table: table, publication: publication, settings: boot.drawnDescription.settings)))
        }
        try OutputFiles.write(bytes: outputs)
    }

    /// `report --family`: the GLM's explanation, its rank intervals, and a risk-adjusted funnel
    /// of the model's own observed and expected counts unless another funnel is asked for.
    func writeGLMReport(_ request: ExplainRequest, family: Family, link: Link?, settings: BootstrapSettings, method: Overdispersion,
                        spec: AnalysisSpec?) throws {
        guard settings.resampling == .cases else {
            throw ValidationError("--resample residuals is for linear models; a GLM's replicates resample its rows (cases)")
        }
        let a = try GLMExplainAnalysis(request, family: family, link: link)
        for w in a.glm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
        for jr in a.glm.data.joinReports { if let m = jr.message { Console.error("varex: \(m)") } }
        let boot = try RankBootstrap(glm: a.glm.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                     replicates: settings.replicates, seed: settings.seed)
        var funnel: (analysis: FunnelAnalysis, indicator: String)? = nil
        if let indicator = funnelIndicator ?? spec?.report.funnelIndicator {
            guard [funnelSE, funnelMOE, funnelDenominator, funnelExpected].compactMap({ $0 }).count == 1 else {
                throw ValidationError("--funnel-indicator needs exactly one of --funnel-se, --funnel-moe, --funnel-denominator or --funnel-expected")
            }
            let r = FunnelRequest(indicator: indicator, standardError: funnelSE, marginOfError: funnelMOE, denominator: funnelDenominator,
                                  kind: funnelExpected == nil ? funnelKind?.kind() : nil, overdispersion: method, expected: funnelExpected)
            funnel = (try FunnelAnalysis(table: a.glm.data.table, request: r, ids: a.glm.data.ids), indicator)
        } else if ExpectedCounts.countsEvents(family) {
            let counts = try ExpectedCounts(glm: a.glm)
            let r = FunnelRequest(indicator: ExpectedCounts.observed, overdispersion: method, expected: ExpectedCounts.expected)
            funnel = (try FunnelAnalysis(table: counts.table, request: r, ids: a.glm.data.ids), "observed / expected")
        }
        let level = request.fit.level
        let table = GLMHTMLReport.table(a, bootstrap: boot, level: level)
        let publication = try published.publication(spec: spec, dataPath: request.fit.dataPath, joins: request.fit.joins, table: table)
        let page = GLMHTMLReport.render(a, bootstrap: boot, table: table, funnel: funnel, title: title ?? spec?.report.title ?? "Varex report",
                                        level: level, unit: explain.unit, publication: publication)
        var outputs: [(path: String, bytes: [UInt8])] = [(html, Array(page.utf8))]
        if let out { outputs.append((out, Array(CSVWriter.render(table, dialect: csv.dialect()).utf8))) }
        if let xlsx {
            outputs.append((xlsx, try GLMSummary.explainWorkbook(a, table: table, publication: publication,
                                                                settings: ["Rank intervals: \(boot.replicates) bootstrap replicates (rows resampled), seed \(boot.seed)."])))
        }
        try OutputFiles.write(bytes: outputs)
    }

    /// What the flags and the spec ask of the model, for ``CapabilityTable``.
    func asked(_ r: FitRequest, family: Family? = nil) -> [Capability] {
        var out = r.asked + [.report]
        if (family ?? explain.family) != nil { out.append(.family) }
        if xlsx != nil { out.append(.xlsx) }
        if funnelIndicator != nil { out.append(.funnelIndicator) }
        if bootstrap != nil || resample != nil { out.append(.bootstrap) }
        return out
    }

}
