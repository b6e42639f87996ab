import ArgumentParser
#if canImport(CMalloc)
import CMalloc
#endif
import Varex
import VarexAnalysis

/// `varex fit`: a CSV in, a coefficient table and a per-unit residual table out.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a linear model (OLS, WLS, a GLM or, with (1 | group) terms, a mixed model) and write its summary and per-row residual table.",
        discussion: """
        Formulas follow R: `y ~ a + b`, `- 1` or `+ 0` for no intercept, `a:b` and `a*b` for \
        interactions, `log()`, `log10()`, `log2()`, `log1p()`, `sqrt()`, `exp()`, `abs()`, `I(expr)` for \
        arithmetic (+ - * / ^), `C(x)` or a text column for categories (treatment coding, first level in \
        sorted order as reference unless --reference says otherwise).

        Rows with a missing value (empty, NA, NaN, N/A, .., :, [x], [c], [z], [low]) in any model column \
        are left out, counted on stderr, and listed with the reason in the residual table's `note` column.

        Random-effect terms in lme4's syntax make it a linear mixed model (REML, or --ml), with \
        lmerTest's Satterthwaite t-tests: `(1 | code)` a random intercept per council, `(1 + x | code)` \
        correlated intercept and slope, `(1 + x || code)` uncorrelated, `(1 | region/code)` nested, \
        `(1 | code) + (1 | year)` crossed. --ranef writes the conditional modes (BLUPs) per group; the \
        residual table gives conditional and marginal fitted values and residuals.

        Examples:
          varex fit fixtures/councils/asc_2018_19.csv --id code \\
            --formula "asc_net_spend_per_adult_gbp ~ imd_score + log(pop_85p/pop_18p) + council_type"
          varex fit data.csv --formula "y ~ x1 * x2" --se HC3 --residuals residuals.csv --json fit.json
          varex fit data.csv --formula "y ~ region + x" --reference region=London --format markdown
          varex fit data.csv --formula "y ~ x" --weights n --residuals - --format json
          varex fit fixtures/councils/asc_panel_2014_2019.csv --id code \\
            --formula "asc_net_spend_per_adult_gbp ~ imd_score + financial_year + (1 | code)" --ranef councils.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row (or gzip-compressed, .csv.gz) (`-` reads standard input); optional with --spec.")
    var data: String?

    @OptionGroup var csv: CSVOptions

    @OptionGroup var model: ModelOptions

    @Option(help: "Write the per-row residual table as CSV to this file (`-` for stdout).")
    var residuals: String?

    @Option(help: "Write the JSON summary to this file (`-` for stdout).")
    var json: String?

    @Option(help: "Write the residual table as an Excel workbook (.xlsx), with the summary and provenance on a second sheet.")
    var xlsx: String?

    @Option(help: "Summary format on stdout: text, markdown, csv or json.")
    var format: SummaryFormat = .text

    @Option(name: .customLong("save-model"), help: "Save the fitted model as JSON for `varex predict` and `varex anova` (formula, levels, coefficients, covariance, σ, df, the data's SHA-256; a GLM's family and link; a mixed model's conditional modes).")
    var saveModel: String?

    @Option(help: "Fit a generalized linear model (IRLS, as R's glm): binomial, quasibinomial, poisson, quasipoisson, gaussian or Gamma. A binomial response is cbind(successes, failures) or a proportion with --weights (the trials). With random-effect terms, a GLMM (binomial or poisson, as lme4's glmer, Laplace).")
    var family: Family?

    @Option(help: "The GLM's link (default: the family's, as R): logit, probit, cloglog, log, identity, inverse, sqrt, 1/mu^2.")
    var link: Link?

    @Option(help: "DFBETAS in the residual table: all, none, or TERM,... (a term's every column, or coefficient names). Default: all up to 50 coefficients (and 100 million cells), none beyond, said in the summary; for a mixed model none unless asked (lme4's dfbetas(influence(fit)): a refit per row).")
    var dfbetas: String?

    @Flag(help: "With random-effect terms: fit by maximum likelihood instead of REML (lme4's REML = FALSE).")
    var ml = false

    @Option(help: "With random-effect terms: write each group's conditional modes (BLUPs) with their conditional SDs and intervals as CSV to this file (`-` for stdout).")
    var ranef: String?

    @Flag(help: "Read the data a block of rows at a time, for files larger than memory: a tall-skinny QR updated block by block, a second pass for --residuals (and a first for the levels of categorical terms). OLS or WLS (--weights) with classical, HC0–HC3 or clustered SEs (one more pass for a sandwich); memory bounded by the block, not the rows. With random-effect terms, only the columns the model reads are kept and the mixed model is fitted as in memory.")
    var stream = false

    @Option(help: ArgumentHelp("With --stream: the memory the fit may use (default 512MB; K, M, G, with or without B). The block of rows read at a time is set from the design's width: a design too wide for it is an error that names the memory it needs. A linear fit; a GLM or mixed model reads 16 MB of the file a block.", valueName: "SIZE"))
    var memory: String?

    @Option(help: ArgumentHelp("With --stream: megabytes of the file per block, instead of the block --memory sets.", valueName: "MB"))
    var blockMB: Int?

    @Flag(help: "Add R's sequential analysis-of-variance table (anova) and the Type II table (car::Anova, with the --se covariance) to the summary and the JSON; for a GLM the analysis of deviance; with random-effect terms lmerTest's Type III F table (Satterthwaite df), and with a family too car's Type III Wald χ² table.")
    var anova = false

    func validate() throws {
        if link != nil && family == nil { throw ValidationError("--link needs --family") }
        if dfbetas != nil, residuals == nil && xlsx == nil {
            throw ValidationError("--dfbetas chooses the residual table's columns: give --residuals or --xlsx")
        }
    }

    func run() throws {
        let spec = try model.loadSpec()
        let request = try model.request(data: data, spec: spec)
        let family = self.family ?? spec?.family, link = self.link ?? spec?.link
        if link != nil && family == nil { throw ValidationError("--link (or the spec's link:) needs --family (or the spec's family:)") }
        let kind = request.kind(family: family, link: link, stream: stream)
        try CapabilityTable.check(asked(request, family: family), for: kind)
        if kind != .mixed && kind != .glmm {
            if ml { throw ValidationError("--ml needs random-effect terms in the formula, such as (1 | code)") }
            if ranef != nil { throw ValidationError("--ranef needs random-effect terms in the formula, such as (1 | code)") }
        }
        if let blockMB, blockMB < 1 { throw ValidationError("--block-mb \(blockMB): give at least 1") }
        if !stream && (memory != nil || blockMB != nil) { throw ValidationError("--\(memory != nil ? "memory" : "block-mb") sets the blocks of --stream: add --stream") }
        if memory != nil && (family != nil || kind == .mixed || kind == .glmm) {
            throw ValidationError("--memory sets the blocks of a linear fit read in blocks; a GLM or mixed model reads --block-mb of the file a block (default 16)")
        }
        if memory != nil && blockMB != nil { throw ValidationError("give --memory or --block-mb, not both: --memory sets the block from the design") }
        let budget = try memory.map { text in
            guard let bytes = MemoryBudget.parseSize(text), bytes > 0 else {
                throw ValidationError("--memory '\(text)' is not a size: give bytes, or a number with K, M or G (such as 512MB or 2G)")
            }
            return StreamMemory(budget: bytes)
        } ?? StreamMemory(budget: 512 << 20)
        let fixedBlock = (blockMB ?? 16) << 20
        // A mixed model with --stream: the file read in blocks, only the columns the model uses kept.
        let streamed: Table? = stream && (kind == .mixed || kind == .glmm) ? try request.streamedTable(blockBytes: fixedBlock) : nil
        switch kind {
        case .streamed:
            try StreamReport.write(request, blockBytes: fixedBlock, memory: blockMB == nil && family == nil ? budget : nil, format: format, residuals: residuals, json: json,
                                   dialect: csv.dialect(), dfbetas: dfbetas.map(DFBetasChoice.init) ?? .automatic, anova: anova, xlsx: xlsx,
                                   saveModel: saveModel, family: family, link: link)
        case .mixed:
            let a = try MixedAnalysis(request, reml: !ml, anova: anova, table: streamed)
            try MixedReport.write(a, format: format, residuals: residuals, json: json, ranef: ranef, dialect: csv.dialect(), xlsx: xlsx,
                                  dfbetas: dfbetas.map(DFBetasChoice.init) ?? .automatic,
                                  model: try saveModel.map { ($0, try SavedModel(mixed: a).json()) })
        case .glmm:
            let a = try GLMMAnalysis(request, family: family!, link: link, anova: anova, table: streamed)
            var extra: [(path: String, contents: String)] = []
            if let ranef { extra.append((ranef, CSVWriter.render(try a.randomEffectsTable(), dialect: csv.dialect()))) }
            if let saveModel { extra.append((saveModel, try SavedModel(glmm: a).json())) }
            try ModelReport.write(summary: GLMMSummary.common(a), data: a.data, dropped: a.fit.design.fixed.dropped, warnings: a.fit.warnings,
                                  residualTable: { try a.residuals(dfbetas: dfbetas.map(DFBetasChoice.init) ?? .automatic) },
                                  json: { try GLMMSummary.json(a) },
                                  text: { GLMMSummary.text(a, source: a.data.table.source) }, format: format, residuals: residuals,
                                  jsonPath: json, xlsx: xlsx, extra: extra, dialect: csv.dialect())
        case .glm:
            let a = try GLMAnalysis(request, family: family!, link: link, anova: anova)
            try GLMReport.write(a, format: format, residuals: residuals, json: json, dialect: csv.dialect(), xlsx: xlsx,
                                dfbetas: dfbetas.map(DFBetasChoice.init) ?? .automatic,
                                model: try saveModel.map { ($0, try SavedModel(glm: a).json()) })
        case .linear, .absorbed, .panel:
            let analysis = try FitAnalysis(request, anova: anova)
            try FitReport.write(analysis, format: format, residuals: residuals, json: json, source: analysis.table.source,
                                dialect: csv.dialect(), xlsx: xlsx, dfbetas: dfbetas.map(DFBetasChoice.init) ?? .automatic,
                                model: try saveModel.map { ($0, try SavedModel(run: analysis.run).json()) })
        }
    }

    /// What the flags and the spec ask of the model, for ``CapabilityTable``.
    func asked(_ r: FitRequest, family: Family?) -> [Capability] {
        var out = r.asked
        if family != nil { out.append(.family) }
        if anova { out.append(.anova) }
        if saveModel != nil { out.append(.saveModel) }
        if dfbetas != nil { out.append(.dfbetas) }
        if xlsx != nil { out.append(.xlsx) }
        if format == .markdown || format == .csv { out.append(.textFormats) }
        return out
    }
}

/// Writes a mixed model's outputs, all or nothing.
enum MixedReport {
    static func write(_ a: MixedAnalysis, format: SummaryFormat, residuals: String?, json: String?, ranef: String?,
                      dialect: CSVWriter.Dialect, xlsx: String? = nil, dfbetas: DFBetasChoice = .automatic,
                      model: (path: String, contents: String)? = nil) throws {
        var extra: [(path: String, contents: String)] = []
        if let ranef { extra.append((ranef, CSVWriter.render(try a.randomEffectsTable(), dialect: dialect))) }
        if let model { extra.append(model) }
        try ModelReport.write(summary: MixedSummary.common(fit: a.fit, satterthwaite: a.satterthwaite, level: a.level), data: a.data,
                              dropped: a.fit.design.fixed.dropped, warnings: a.warnings,
                              residualTable: { try a.residuals(dfbetas: dfbetas) },
                              json: { try MixedSummary.json(a) }, text: { MixedSummary.text(a, source: a.data.table.source) },
                              format: format, residuals: residuals, jsonPath: json, xlsx: xlsx, extra: extra, dialect: dialect)
    }
}

/// Writes any kind of model's outputs, all or nothing, from what every kind has: the notes on
/// stderr (joins, rows left out, R's warnings), the residual table as CSV and as a workbook
/// (made once), the JSON summary, other files, and the summary on stdout in the chosen format
/// (markdown and CSV from the shared keys).
enum ModelReport {
    static func write(summary m: ModelJSON, data: ModelData, dropped: [DroppedRow], warnings: [String],
                      residualTable: () throws -> OutputTable, json: () throws -> String, text: () -> String, format: SummaryFormat,
                      residuals: String?, jsonPath: String?, xlsx: String?, extra: [(path: String, contents: String)],
                      dialect: CSVWriter.Dialect) throws {
        for r in data.joinReports { if let message = r.message { Console.error("varex: \(message)") } }
        if !dropped.isEmpty {
            Console.error("varex: \(dropped.count) of \(data.table.rowCount) rows left out of the fit (\(TextSummary.reasons(dropped)))")
        }
        for w in warnings { Console.error("varex: warning: \(w)") }
        let table = residuals != nil || xlsx != nil ? try residualTable() : nil
        var outputs: [(path: String, contents: String)] = []
        if let residuals, let table { outputs.append((residuals, CSVWriter.render(table, dialect: dialect))) }
        if let jsonPath { outputs.append((jsonPath, try json())) }
        outputs += extra
        if !outputs.contains(where: { $0.path == "-" }) {
            switch format {
            case .json: outputs.append(("-", try json()))
            case .markdown: outputs.append(("-", MarkdownSummary.render(m)))
            case .csv: outputs.append(("-", CSVWriter.render(m.coefficientTable, dialect: dialect)))
            case .text: outputs.append(("-", text()))
            }
        }
        var files: [(path: String, content: OutputContent)] = []
        if let xlsx, let table {
            files.append((xlsx, .bytes(try XLSXWriter.data(table: table, sheetName: "Residuals",
                                                          provenance: .of(model: m, dataPath: data.table.source), extra: m.coefficientTable))))
        }
        try OutputFiles.write(contents: files + outputs.map { ($0.path, .bytes(Array($0.contents.utf8))) })
    }
}

/// The bytes each block of a streamed read takes, set once the design's width is known.
final class BlockSize {
    var bytes: Int
    init(bytes: Int) { self.bytes = bytes }
}

/// Fits in blocks and writes the summary and, from a second pass, the residual table.
enum StreamReport {
    static func write(_ request: FitRequest, blockBytes fixed: Int, memory: StreamMemory? = nil, format: SummaryFormat, residuals: String?, json: String?,
                      dialect: CSVWriter.Dialect, dfbetas dfbetasChoice: DFBetasChoice = .automatic, anova: Bool = false,
                      xlsx: String? = nil, saveModel: String? = nil, family: Family? = nil, link: Link? = nil) throws {
        // Absorbed factors are coded as dummy columns (their levels from the first pass), before
        // the formula's terms, and shown as an absorbed fit shows them.
        let asked = request
        let request = request.absorbedAsDummies(first: true)
        if request.dataPath == "-" && (xlsx != nil || saveModel != nil) {
            throw ValidationError("--stream \(xlsx != nil ? "--xlsx" : "--save-model") reads the data again (each row's measures, or the ids of the rows used): give a file, not standard input")
        }
        if request.dataPath == "-" && residuals != nil {
            throw ValidationError("--stream --residuals reads the data twice (the fit, then each row's measures): give a file, not standard input")
        }
        // --join: each file read once, joined onto every block by the id; its report is the
        // whole file's, said after the fit.
        if !request.joins.isEmpty && request.id == nil { throw RequestError.joinNeedsID }
        let joins = try request.joins.map { BlockJoin(table: try Table(contentsOf: $0), key: request.id ?? "") }
        // One malloc arena: glibc gives each thread that allocates its own heap, and blocks freed
        // on one thread's heap are not reused by another's, so memory freed by one block stays
        // kept for another (10,000,000 rows of benchmark (l), blocks then sized to the whole
        // 512 MB budget: 445 MB with the default arenas, 394 MB under MALLOC_ARENA_MAX=1, in the
        // same time). Blocks now take 60% of it.
        #if canImport(CMalloc)
        if memory != nil { _ = mallopt(M_ARENA_MAX, 1) }
        #endif
        // With a memory budget the first block is small (it finds the design's width); the fit
        // then sets the block every later read uses.
        let block = BlockSize(bytes: memory == nil ? fixed : StreamMemory.probeBytes)
        let open = { try CSVBlockReader(path: request.dataPath, blockBytes: block.bytes).joining(joins) }
        let reader = try open()
        let formula = try Formula(request.formula, dot: reader.names.filter { $0 != request.id })
        if request.dataPath == "-" && request.covariance != .classical {
            throw ValidationError("--stream --se \(request.covariance.rawValue) reads the data twice (the fit, then the residuals for the sandwich): give a file, not standard input")
        }
        let selection = StreamRowSelection(subset: try request.subset.map(RowFilter.init), exclude: request.exclude, idColumn: request.id)
        if let family {
            if request.dataPath == "-" {
                throw ValidationError("--stream --family reads the data once per IRLS iteration: give a file, not standard input")
            }
            try writeGLM(asked: asked, formula: formula, family: family, link: link, open: open, selection: selection, joins: joins,
                         columns: reader.names, format: format, residuals: residuals, json: json, dialect: dialect, dfbetas: dfbetasChoice,
                         anova: anova, xlsx: xlsx, saveModel: saveModel)
            return
        }
        let fit = try StreamingFit.fit(formula: formula, reader: reader, reopen: request.dataPath == "-" ? nil : open,
                                       references: request.references, clusters: request.clusters, weights: request.weights,
                                       selection: selection, memory: memory, blockBytes: { block.bytes = $0 })
        let cr2 = request.covariance == .cr2 ? try fit.cr2(open: open) : nil
        let robust = request.covariance == .classical ? nil
            : try cr2.map { (covariance: $0.covariance, clusterCounts: [$0.clusterCount]) } ?? fit.covariance(request.covariance, open: open)
        var s = try fit.summary(level: request.level, robust: robust.map { (type: request.covariance, covariance: $0.covariance, clusterCounts: $0.clusterCounts) },
                            satterthwaite: cr2?.degreesOfFreedom, clusterTestDF: request.clusterTestDF, anova: anova)
        if !asked.absorb.isEmpty {
            s = s.absorbing(asked.absorb.map { f in (f, s.coefficients.map(\.term).filter { FitRequest.isDummy($0, of: f) }.count + 1) },
                            formula: asked.formula, isDummy: asked.isAbsorbedDummy)
        }
        for j in joins { if let message = j.report.message { Console.error("varex: \(message)") } }
        if !s.dropped.isEmpty {
            Console.error("varex: \(s.dropped.count) of \(fit.tableRowCount) rows left out of the fit (\(TextSummary.reasons(s.dropped)))")
        }
        var files: [(path: String, content: OutputContent)] = []
        if residuals != nil || xlsx != nil {
            let dfbetas = try dfbetasChoice.columns(of: fit)
            if dfbetasChoice == .automatic, let line = DFBetasChoice.leftOutLine(written: dfbetas.count, of: fit.p) { Console.error("varex: \(line)") }
            // The id, the label and the kept columns, as the table in memory has them.
            let table = try StreamedResidualTable(fit: fit, open: open, level: request.level, id: request.id,
                                                  lead: [request.label].compactMap { $0 } + request.keep, dfbetas: dfbetas,
                                                  columns: reader.names, path: request.dataPath)
            if let residuals {
                files.append((residuals, StreamReport.chunkedCSV(header: table.header, dialect: dialect, eachRow: table.eachRow)))
            }
            if let xlsx {
                // The workbook needs every row at once: one more pass, and at most a sheet's rows.
                let model = JSONSummary.common(s, kind: .streamed)
                files.append((xlsx, .bytes(try XLSXWriter.data(table: try table.table(), sheetName: "Residuals",
                                                               provenance: .of(model: model, dataPath: request.dataPath),
                                                               extra: model.coefficientTable))))
            }
        }
        if let saveModel {
            // The covariance the summary used: the sandwich, or σ̂²(XᵀWX)⁻¹.
            var v = robust?.covariance ?? fit.unscaledCovariance
            if robust == nil { for k in v.storage.indices { v.storage[k] *= fit.sigma * fit.sigma } }
            let model = try SavedModel(streamed: fit, request: request, rowsUsed: try fit.rowsUsed(open: open, idColumn: request.id),
                                       covarianceType: request.covariance, covariance: v)
            files.append((saveModel, .bytes(Array(try model.json().utf8))))
        }
        if let json { files.append((json, .bytes(Array(try JSONSummary.render(s, kind: .streamed).utf8)))) }
        if residuals != "-" && json != "-" {
            let source = request.dataPath
            let text: String
            switch format {
            case .markdown: text = MarkdownSummary.render(s)
            case .csv: text = CSVWriter.render(CoefficientTable.make(s), dialect: dialect)
            case .json: text = try JSONSummary.render(s, kind: .streamed)
            case .text: text = TextSummary.render(s, source: source) + "Read in \(fit.blocks) blocks (--stream).\n"
            }
            files.append(("-", .bytes(Array(text.utf8))))
        }
        try OutputFiles.write(contents: files)
    }
}

/// Renders an analysis and writes every output, all or nothing.
enum FitReport {
    static func write(_ analysis: FitAnalysis, format: SummaryFormat, residuals: String?, json: String?, source: String,
                      dialect: CSVWriter.Dialect, xlsx: String?, dfbetas: DFBetasChoice = .automatic,
                      model: (path: String, json: String)? = nil) throws {
        let s = analysis.summary
        for r in analysis.joinReports { if let m = r.message { Console.error("varex: \(m)") } }
        if !s.dropped.isEmpty {
            Console.error("varex: \(s.dropped.count) of \(analysis.table.rowCount) rows left out of the fit (\(TextSummary.reasons(s.dropped)))")
        }
        if s.dfResidual == 0 {
            Console.error("varex: as many usable rows as coefficients: the fit is exact, so standard errors, tests and influence measures are undefined")
        }
        Console.warnings(s)
        let aliased = s.coefficients.filter(\.isAliased).map(\.term)
        if !aliased.isEmpty {
            Console.error("varex: \(aliased.count) term\(aliased.count == 1 ? " is" : "s are") not estimable (a linear combination of earlier terms): \(aliased.joined(separator: ", "))")
        }
        var outputs: [(path: String, contents: String)] = []
        // The residual table is made only when an output needs it, and row by row as the CSV is
        // written; the workbook needs every row at once.
        let rows = residuals != nil || xlsx != nil ? try analysis.residualRows(dfbetas: dfbetas) : nil
        // What the default left out of the table, said on stderr and in the summary.
        let written = rows == nil ? nil : try dfbetas.columns(of: analysis.fit).count
        let leftOut = dfbetas == .automatic ? written.flatMap { DFBetasChoice.leftOutLine(written: $0, of: analysis.fit.terms.count) } : nil
        if let leftOut { Console.error("varex: \(leftOut)") }
        if let json { outputs.append((json, try JSONSummary.render(s))) }
        if let model { outputs.append((model.path, model.json)) }
        let stdoutTaken = residuals == "-" || outputs.contains { $0.path == "-" }
        if !stdoutTaken {
            let text: String
            switch format {
            case .markdown: text = MarkdownSummary.render(s)
            case .csv: text = CSVWriter.render(CoefficientTable.make(s), dialect: dialect)
            case .json: text = try JSONSummary.render(s)
            case .text: text = TextSummary.render(s, source: source) + (leftOut.map { "\n" + $0 + "\n" } ?? "")
            }
            outputs.append(("-", text))
        }
        var files: [(path: String, content: OutputContent)] = outputs.map { ($0.path, .bytes(Array($0.contents.utf8))) }
        if let residuals, let rows { files.insert((residuals, CSVWriter.stream(rows, dialect: dialect)), at: 0) }
        if let xlsx, let rows {
            let book = try XLSXWriter.data(table: rows.table, sheetName: "Residuals",
                                           provenance: .of(summary: s, dataPath: analysis.table.source),
                                           extra: CoefficientTable.make(s))
            files.insert((xlsx, .bytes(book)), at: 0)
        }
        try OutputFiles.write(contents: files)
    }
}

/// Writes a GLM's outputs, all or nothing.
enum GLMReport {
    static func write(_ a: GLMAnalysis, format: SummaryFormat, residuals: String?, json: String?, dialect: CSVWriter.Dialect,
                      xlsx: String? = nil, dfbetas: DFBetasChoice = .automatic, model: (path: String, contents: String)? = nil) throws {
        try ModelReport.write(summary: GLMSummary.common(a), data: a.data, dropped: a.fit.design.dropped, warnings: a.fit.warnings,
                              residualTable: { try a.residuals(dfbetas: dfbetas) }, json: { try GLMSummary.json(a) },
                              text: { GLMSummary.text(a, source: a.data.table.source) }, format: format, residuals: residuals,
                              jsonPath: json, xlsx: xlsx, extra: model.map { [$0] } ?? [], dialect: dialect)
    }
}
