import ArgumentParser
import Varex
import VarexAnalysis

extension StreamReport {
    /// `fit --stream --family`: the GLM fitted a pass per IRLS iteration, its covariance, and
    /// every output the GLM in memory writes, all or nothing. `asked` is the request as given
    /// (absorbed factors are coded as dummies in `formula` and hidden, as in memory).
    static func writeGLM(asked: FitRequest, formula: Formula, family: Family, link: Link?, open: @escaping () throws -> CSVBlockReader,
                         selection: StreamRowSelection, joins: [BlockJoin], columns: [String], format: SummaryFormat,
                         residuals: String?, json: String?, dialect: CSVWriter.Dialect, dfbetas dfbetasChoice: DFBetasChoice,
                         anova: Bool, xlsx: String?, saveModel: String?) throws {
        let request = asked.absorbedAsDummies(first: true)
        let a = try StreamedGLMAnalysis(asked, family: family, link: link, formula: formula, open: open, selection: selection, anova: anova)
        let facts = GLMSummary.facts(a)
        for j in joins { if let message = j.report.message { Console.error("varex: \(message)") } }
        if !a.fit.dropped.isEmpty {
            Console.error("varex: \(a.fit.dropped.count) of \(a.fit.tableRowCount) rows left out of the fit (\(TextSummary.reasons(a.fit.dropped)))")
        }
        for w in a.fit.warnings { Console.error("varex: warning: \(w)") }
        var files: [(path: String, content: OutputContent)] = []
        if residuals != nil || xlsx != nil {
            let chosen = try dfbetasChoice.columns(of: a.fit)
            if dfbetasChoice == .automatic, let line = DFBetasChoice.leftOutLine(written: chosen.count, of: a.fit.p) { Console.error("varex: \(line)") }
            let table = try StreamedGLMResidualTable(fit: a.fit, open: open, id: request.id, lead: [request.label].compactMap { $0 } + request.keep,
                                                     dfbetas: chosen, columns: columns, path: request.dataPath)
            if let residuals {
                files.append((residuals, StreamReport.chunkedCSV(header: table.header, dialect: dialect, eachRow: table.eachRow)))
            }
            if let xlsx {
                files.append((xlsx, .bytes(try XLSXWriter.data(table: try table.table(), sheetName: "Residuals",
                                                               provenance: .of(model: facts.model, dataPath: request.dataPath),
                                                               extra: facts.model.coefficientTable))))
            }
        }
        if let saveModel {
            let model = try SavedModel(streamedGLM: a, rowsUsed: try a.fit.rowsUsed(open: open, idColumn: request.id))
            files.append((saveModel, .bytes(Array(try model.json().utf8))))
        }
        if let json { files.append((json, .bytes(Array(try GLMSummary.json(facts).utf8)))) }
        if residuals != "-" && json != "-" {
            let text: String
            switch format {
            case .markdown: text = MarkdownSummary.render(facts.model)
            case .csv: text = CSVWriter.render(facts.model.coefficientTable, dialect: dialect)
            case .json: text = try GLMSummary.json(facts)
            case .text: text = GLMSummary.text(facts, source: request.dataPath,
                                               footer: "Read in \(a.fit.blocks) blocks, \(a.fit.passes) passes (--stream).\n")
            }
            files.append(("-", .bytes(Array(text.utf8))))
        }
        try OutputFiles.write(contents: files)
    }
}

extension StreamReport {
    /// A residual table written as CSV as its rows come from a pass over the file, a megabyte at
    /// a time (a byte-order mark first for Excel): a streamed linear fit's and a streamed GLM's.
    static func chunkedCSV(header: [String], dialect: CSVWriter.Dialect,
                           eachRow: @escaping (([Cell]) throws -> Void) throws -> Void) -> OutputContent {
        .chunks { emit in
            var out: [UInt8] = dialect == .excel ? Array("\u{FEFF}".utf8) : []
            CSVWriter.appendLine(header.map { .text($0) }, dialect: dialect, to: &out)
            try eachRow { cells in
                CSVWriter.appendLine(cells, dialect: dialect, to: &out)
                if out.count >= 1 << 20 { try emit(out); out.removeAll(keepingCapacity: true) }
            }
            try emit(out)
        }
    }
}
