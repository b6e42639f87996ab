import ArgumentParser
import Varex
import VarexAnalysis

/// `varex explain`: how much of each row's value is justified, and how much is not.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split each council's value into a baseline, group effects (justified or not) and the residual.",
        discussion: """
        Every term of the formula goes into one named group, justified (a legitimate reason for a \
        difference: need, demography, accepted policy) or unjustified. For every row:
          observed = baseline + Σ effect_<group> + residual
          justified = baseline + Σ justified effects;  unjustified = Σ unjustified effects + residual
        where baseline is the (weighted) mean of the response and effect_<group> the sum over the \
        group's columns of coefficient × (value − mean value). With --scale, per-head columns are also \
        multiplied out (…_gbp) and the summary gives totals. A log(...) response is reported on the \
        original scale: effects as percentages, levels back-transformed with Duan's smearing. The \
        summary also gives each group's Shapley share of R² (every subset of groups is fitted).

        With --panel UNIT --time PERIOD (several periods per unit), a random intercept per unit is \
        added and each unit-period splits into baseline + group effects + the unit's persistent effect \
        + the period's transient residual; --persistent-out writes each unit's persistent effect with \
        its interval, rank interval and single-period ranks.

        Examples:
          varex explain fixtures/councils/asc_2018_19.csv --id code --label name \\
            --join fixtures/councils/gross_spend_2018_19.csv \\
            --formula "I(asc_gross_expenditure_k * 1000/pop_18p) ~ log(pop_85p/pop_18p) + imd_score + council_type + ascof_2a2" \\
            --justified need=log(pop_85p/pop_18p),imd_score --justified type=council_type \\
            --unjustified practice=ascof_2a2 --scale pop_18p --exclude E09000001 --exclude E06000053 --out explain.csv
          varex explain data.csv --formula "log(spend) ~ age + type" --justified need=age,type --json -
          varex explain fixtures/councils/asc_panel_2014_2019.csv --panel code --time financial_year --label name \\
            --formula "asc_net_spend_per_adult_gbp ~ imd_score + council_type + financial_year" \\
            --justified need=imd_score --justified type=council_type --justified year=financial_year --persistent-out councils.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row; optional with --spec.")
    var data: String?

    @OptionGroup var csv: CSVOptions

    @OptionGroup var model: ModelOptions

    @OptionGroup var explain: ExplainOptions
    @OptionGroup var published: PublicationOptions

    @Option(help: "Write the per-row decomposition as CSV to this file (`-` for stdout).")
    var out: String?

    @Option(help: "Write the JSON summary to this file (`-` for stdout).")
    var json: String?

    @Option(help: "Write the decomposition as an Excel workbook (.xlsx), with the summary and provenance on a second sheet.")
    var xlsx: String?

    @Option(name: .customLong("sensitivity-out"), help: "Write each council's rank under every justified/unjustified assignment of the groups, and its range, as CSV.")
    var sensitivityOut: String?

    @Option(help: "Summary on stdout: text or json.")
    var format: ExplainFormat = .text

    @Option(help: "A panel: the column naming each unit (e.g. code) when the data hold several periods per unit; needs --time. The unit's persistent effect is a random intercept (a linear mixed model, REML; with --family binomial or poisson a GLMM, the split on the link scale and the levels on the response scale).")
    var panel: String?

    @Option(help: "A panel's period column (e.g. financial_year); one row per unit and period.")
    var time: String?

    @Option(name: .customLong("persistent-out"), help: "With --panel: write the per-unit table (persistent effect with interval, periods above and below, trend, rank with interval, rank in each period) as CSV.")
    var persistentOut: String?

    @Option(help: "With --panel: draws for the persistent rank intervals (default 1000).")
    var draws: Int = 1000

    @Option(help: "With --panel: seed of the draws (same seed, same output, on any number of cores; default 1).")
    var seed: UInt64 = 1

    @Option(name: .customLong("persistent-bootstrap"), help: ArgumentHelp("With --panel: also give each unit's persistent effect an interval from this many parametric-bootstrap refits (e.g. 500), which adds the uncertainty of the fixed effects and variance components to the conditional SD.", valueName: "N"))
    var persistentBootstrap: Int?

    @Option(help: "How many rows to show at each end of the ranking in the text summary.")
    var top: Int = 5

    func validate() throws {
        if explain.link != nil && explain.family == nil { throw ValidationError("--link needs --family") }
    }

    func run() throws {
        let spec = try model.loadSpec()
        if let unit = panel ?? spec?.panel {
            guard let period = time ?? spec?.time else { throw ValidationError("--panel needs --time, the period column (or the spec's time:)") }
            let explainRequest = try explain.request(model: model, data: data, spec: spec)
            try CapabilityTable.check(asked(explainRequest.fit, family: explain.glm(spec: spec).family), for: .panel)
            guard (2...BootstrapSettings.replicateRange.upperBound).contains(draws) else {
                throw ValidationError("--draws \(draws): give 2 to \(BootstrapSettings.replicateRange.upperBound)")
            }
            if let b = persistentBootstrap, !(2...PersistentBootstrap.maximumReplicates).contains(b) {
                throw ValidationError("--persistent-bootstrap \(b): give 2 to \(PersistentBootstrap.maximumReplicates)")
            }
            let request = PanelRequest(explain: explainRequest, panel: unit, time: period, draws: draws, seed: seed,
                                       persistentBootstrap: persistentBootstrap)
            let (family, link) = explain.glm(spec: spec)
            // A family other than the Gaussian with the identity link is a GLMM (that one is the
            // linear mixed model, as glmer hands it to lmer).
            if let family = PanelGLMMAnalysis.family(family, link: link) {
                try PanelReport.write(try PanelGLMMAnalysis(request, family: family, link: link), out: out, json: json, persistent: persistentOut,
                                      format: format, top: top, unit: explain.unit, dialect: csv.dialect(), xlsx: xlsx,
                                      publication: try publication(spec, explainRequest))
            } else {
                try PanelReport.write(try PanelAnalysis(request), out: out, json: json, persistent: persistentOut, format: format, top: top,
                                      unit: explain.unit, dialect: csv.dialect(), xlsx: xlsx, publication: try publication(spec, explainRequest))
            }
            return
        }
        if time != nil || persistentOut != nil || persistentBootstrap != nil {
            throw ValidationError("--time, --persistent-out and --persistent-bootstrap go with --panel UNIT")
        }
        let request = try explain.request(model: model, data: data, spec: spec)
        let (family, link) = explain.glm(spec: spec)
        let kind = request.fit.kind(family: family, link: link)
        try CapabilityTable.check(asked(request.fit, family: family) + [.explain], for: kind)
        if let family, kind == .glm {
            let a = try GLMExplainAnalysis(request, family: family, link: link)
            for r in a.glm.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
            let dropped = a.glm.fit.design.dropped
            if !dropped.isEmpty {
                Console.error("varex: \(dropped.count) of \(a.glm.data.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
            }
            for w in a.glm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            var outputs: [(path: String, contents: String)] = []
            if let out { outputs.append((out, CSVWriter.render(a.output, dialect: csv.dialect()))) }
            if let json { outputs.append((json, try GLMSummary.explainJSON(a))) }
            if let sensitivityOut { outputs.append((sensitivityOut, CSVWriter.render(SensitivityTable.table(a), dialect: csv.dialect()))) }
            if !outputs.contains(where: { $0.path == "-" }) {
                outputs.append(("-", format == .json ? try GLMSummary.explainJSON(a) : GLMSummary.explainText(a, source: a.glm.data.table.source, top: top)))
            }
            var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
            if let xlsx { files.insert((xlsx, try GLMSummary.explainWorkbook(a, publication: try publication(spec, request))), at: 0) }
            try OutputFiles.write(bytes: files)
            return
        }
        if kind == .glmm, let family {
            let a = try GLMMExplainAnalysis(request, family: family, link: link)
            for r in a.glmm.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
            let dropped = a.glmm.fit.design.fixed.dropped
            if !dropped.isEmpty {
                Console.error("varex: \(dropped.count) of \(a.glmm.data.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
            }
            for w in a.glmm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            var outputs: [(path: String, contents: String)] = []
            if let out { outputs.append((out, CSVWriter.render(a.output, dialect: csv.dialect()))) }
            if let json { outputs.append((json, try GLMMExplainSummary.json(a))) }
            if let sensitivityOut { outputs.append((sensitivityOut, CSVWriter.render(SensitivityTable.table(a), dialect: csv.dialect()))) }
            if !outputs.contains(where: { $0.path == "-" }) {
                outputs.append(("-", format == .json ? try GLMMExplainSummary.json(a) : GLMMExplainSummary.text(a, source: a.glmm.data.table.source, top: top)))
            }
            var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
            if let xlsx { files.insert((xlsx, try GLMMExplainSummary.workbook(a, publication: try publication(spec, request))), at: 0) }
            try OutputFiles.write(bytes: files)
            return
        }
        if kind == .mixed {
            let a = try MixedExplainAnalysis(request)
            for r in a.mixed.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
            let dropped = a.mixed.fit.design.fixed.dropped
            if !dropped.isEmpty {
                Console.error("varex: \(dropped.count) of \(a.mixed.data.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
            }
            for w in a.mixed.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            var outputs: [(path: String, contents: String)] = []
            if let out { outputs.append((out, CSVWriter.render(a.output, dialect: csv.dialect()))) }
            if let json { outputs.append((json, try MixedExplainSummary.json(a))) }
            if let sensitivityOut { outputs.append((sensitivityOut, CSVWriter.render(SensitivityTable.table(a), dialect: csv.dialect()))) }
            if !outputs.contains(where: { $0.path == "-" }) {
                outputs.append(("-", format == .json ? try MixedExplainSummary.json(a) : MixedExplainSummary.text(a, source: a.mixed.data.table.source, top: top)))
            }
            var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
            if let xlsx { files.insert((xlsx, try MixedExplainSummary.workbook(a, publication: try publication(spec, request))), at: 0) }
            try OutputFiles.write(bytes: files)
            return
        }
        let analysis = try ExplainAnalysis(request)
        var extra: [(path: String, contents: String)] = []
        if let sensitivityOut {
            extra.append((sensitivityOut, CSVWriter.render(SensitivityTable.table(analysis), dialect: csv.dialect())))
        }
        try ExplainReport.write(analysis, out: out, json: json, format: format, source: analysis.table.source, top: top,
                                unit: explain.unit, extra: extra, dialect: csv.dialect(), xlsx: xlsx, publication: try publication(spec, request))
    }

    /// The labels, sources and inputs the workbook records.
    func publication(_ spec: AnalysisSpec?, _ request: ExplainRequest) throws -> Publication {
        try published.publication(spec: spec, dataPath: request.fit.dataPath, joins: request.fit.joins)
    }
}

extension Explain {
    /// What the flags and the spec ask of the model, for ``CapabilityTable``.
    func asked(_ r: FitRequest, family: Family? = nil) -> [Capability] {
        var out = r.asked
        if (family ?? explain.family) != nil { out.append(.family) }
        if xlsx != nil { out.append(.explainWorkbook) }
        if sensitivityOut != nil { out.append(.sensitivityOut) }
        return out
    }
}
/// Writes a panel explanation's outputs, all or nothing.
enum PanelReport {
    static func write(_ a: PanelAnalysis, out: String?, json: String?, persistent: String?, format: ExplainFormat, top: Int, unit: String,
                      dialect: CSVWriter.Dialect, xlsx: String? = nil, publication: Publication = Publication()) throws {
        try write(a, warnings: PanelSummary.warnings(a) + a.justifiedWarnings, json: { try PanelSummary.json(a) },
                  text: { PanelSummary.text(a, source: a.data.table.source, top: top, unit: unit) },
                  workbook: { try PanelSummary.workbook(a, unit: unit, publication: publication) }, out: out, jsonPath: json, persistent: persistent, format: format,
                  dialect: dialect, xlsx: xlsx)
    }

    static func write(_ a: PanelGLMMAnalysis, out: String?, json: String?, persistent: String?, format: ExplainFormat, top: Int, unit: String,
                      dialect: CSVWriter.Dialect, xlsx: String? = nil, publication: Publication = Publication()) throws {
        try write(a, warnings: PanelSummary.warnings(a) + a.justifiedWarnings, json: { try PanelSummary.json(a) },
                  text: { PanelSummary.text(a, source: a.data.table.source, top: top, unit: unit) },
                  workbook: { try PanelSummary.workbook(a, unit: unit, publication: publication) }, out: out, jsonPath: json, persistent: persistent, format: format,
                  dialect: dialect, xlsx: xlsx)
    }

    static func write(_ a: some PanelExplanation, warnings: [String], json: () throws -> String, text: () -> String,
                      workbook: () throws -> [UInt8], out: String?, jsonPath: String?, persistent: String?, format: ExplainFormat,
                      dialect: CSVWriter.Dialect, xlsx: String?) throws {
        for r in a.data.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let dropped = a.droppedRows
        if !dropped.isEmpty {
            Console.error("varex: \(dropped.count) of \(a.data.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
        }
        for w in warnings { Console.error("varex: warning: \(w)") }
        var outputs: [(path: String, contents: String)] = []
        if let out { outputs.append((out, CSVWriter.render(a.rowsTable(), dialect: dialect))) }
        if let persistent { outputs.append((persistent, CSVWriter.render(a.unitsTable(), dialect: dialect))) }
        if let jsonPath { outputs.append((jsonPath, try json())) }
        if !outputs.contains(where: { $0.path == "-" }) {
            outputs.append(("-", format == .json ? try json() : text()))
        }
        var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
        if let xlsx { files.insert((xlsx, try workbook()), at: 0) }
        try OutputFiles.write(bytes: files)
    }
}

/// Writes an explain run's outputs, all or nothing, and its notes on stderr.
enum ExplainReport {
    static func write(_ a: ExplainAnalysis, out: String?, json: String?, format: ExplainFormat, source: String, top: Int,
                      preface: String = "", unit: String = "councils", extra: [(path: String, contents: String)] = [],
                      dialect: CSVWriter.Dialect = .rfc4180, xlsx: String? = nil, publication: Publication = Publication()) throws {
        for r in a.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        let dropped = a.summary.dropped
        Console.warnings(a.summary)
        for w in a.justifiedWarnings { Console.error("varex: warning: \(w)") }
        if !dropped.isEmpty {
            Console.error("varex: \(dropped.count) of \(a.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
        }
        var outputs = extra
        if let out { outputs.append((out, CSVWriter.render(a.output, dialect: dialect))) }
        if let json { outputs.append((json, try ExplainSummary.json(a))) }
        if !outputs.contains(where: { $0.path == "-" }) {
            outputs.append(("-", format == .json ? try ExplainSummary.json(a) : preface + ExplainSummary.text(a, source: source, top: top, unit: unit)))
        }
        var files = outputs.map { (path: $0.path, bytes: Array($0.contents.utf8)) }
        if let xlsx { files.insert((xlsx, try workbook(a, table: a.output, publication: publication)), at: 0) }
        try OutputFiles.write(bytes: files)
    }
}

extension ExplainReport {
    /// The explain table (or the report's, with rank columns) as a workbook: the councils, and a
    /// summary sheet with the provenance, the shares and the coefficient table.
    static func workbook(_ a: ExplainAnalysis, table: OutputTable, publication: Publication = Publication(), settings: [String] = []) throws -> [UInt8] {
        var provenance = Provenance.of(summary: a.summary, dataPath: a.table.source)
        provenance.rows += a.decomposition.grouping.groups.enumerated().map { g, group in
            ("Share of R²: \(group.name) (\(group.justified ? "justified" : "unjustified"))", .finite(a.shares.shares[g]))
        }
        provenance.rows.append(("Unexplained share", .finite(a.shares.unexplained)))
        provenance = provenance.with(publication, exclusions: Exclusion.rows(of: table, label: a.request.label != nil), settings: settings)
        return try XLSXWriter.data(table: table, sheetName: "Councils", provenance: provenance, extra: CoefficientTable.make(a.summary),
                                   layout: .explanation(response: a.summary.response, labels: publication.labels))
    }
}
