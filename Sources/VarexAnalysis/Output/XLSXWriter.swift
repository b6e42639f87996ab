import Varex
import Foundation
import XMLCoder
import ZIPFoundation

/// Provenance written on an XLSX workbook's second sheet.
public struct Provenance: Sendable {
    public var rows: [(String, Cell)]
    public init(rows: [(String, Cell)]) { self.rows = rows }

    /// The standard provenance of a fit: data file, its checksum, formula, date, Varex version,
    /// and the fit's headline numbers, then the coefficient table.
    public static func of(summary s: FitSummary, dataPath: String) -> Provenance {
        let sha = checksum(dataPath), date = ISO8601DateFormatter().string(from: Date())
        var rows: [(String, Cell)] = [
            ("Made by", .text("Varex \(VarexVersion.string)")), ("Date", .text(date)), ("Data file", .text(dataPath)),
            ("Data SHA-256", .text(sha)), ("Formula", .text(s.formula)), ("Observations used", .integer(s.n)),
            ("Rows left out", .integer(s.dropped.count)), ("Rank", .integer(s.rank)), ("Residual df", .integer(s.dfResidual)),
            ("Sigma", .finite(s.sigma)), ("R-squared", .finite(s.rSquared)), ("Adjusted R-squared", .finite(s.adjustedRSquared)),
            ("Standard errors", .text(s.covarianceType.rawValue)),
        ]
        if let f = s.overall { rows.append(("F statistic", .finite(f.statistic))); rows.append(("F p-value", .finite(f.pValue))) }
        rows += [("Log-likelihood", .finite(s.logLikelihood)), ("AIC", .finite(s.aic)), ("BIC", .finite(s.bic))]
        return Provenance(rows: rows)
    }

    /// This provenance with what a publication records: every input file and its SHA-256 (the
    /// joined files too), the data's sources and licence lines, definitions, the run's settings
    /// (seeds, replicates), each row left out and why, and the spec's text.
    public func with(_ p: Publication, exclusions: [Exclusion], settings: [String]) -> Provenance {
        var rows = self.rows
        for (k, input) in p.inputs.enumerated() {
            rows.append(("Input file \(k + 1)", .text(input.path)))
            rows.append(("Input file \(k + 1) SHA-256", .text(input.sha256)))
        }
        rows += p.sources.map { ("Source", .text($0)) }
        rows += p.definitions.map { ("Definition", .text($0)) }
        rows += settings.map { ("Run", .text($0)) }
        rows += exclusions.isEmpty ? [("Left out", .text("none"))]
            : exclusions.map { e in ("Left out", .text("\(e.label.isEmpty ? e.id : "\(e.label) (\(e.id))"): \(e.reason)")) }
        if let spec = p.spec { rows.append(("Spec", .text(spec))) }
        return Provenance(rows: rows)
    }

    /// The data file's SHA-256, never empty: where there is none, why.
    static func checksum(_ dataPath: String) -> String {
        if dataPath == "-" { return "not available (the data came from standard input)" }
        do { return try Checksum.sha256(path: dataPath) } catch { return "not available (\(error))" }
    }
}

/// Writes an ``OutputTable`` as an Excel workbook (Office Open XML): sheet 1 holds the table with
/// typed cells (numbers as numbers, text always as inline strings, so nothing is ever read as a
/// formula) and a frozen header row; sheet 2 holds the model summary and provenance, and an
/// optional second table (coefficients). The XML parts are encoded with XMLCoder and zipped with
/// ZIPFoundation.
public enum XLSXWriter {
    /// The most characters (UTF-16 units) a cell may hold: Excel refuses a workbook with more.
    public static let maximumCellLength = 32_767
    /// The most rows a worksheet holds, its header included (Excel's limit).
    public static let maximumRows = 1_048_576

    public static func data(table: OutputTable, sheetName: String = "Results", provenance: Provenance,
                            extra: OutputTable? = nil, layout: SheetLayout = SheetLayout()) throws -> [UInt8] {
        try data(sheets: [(sheetName, table)], provenance: provenance, extra: extra, layout: layout)
    }

    /// A workbook of several tables, one sheet each in order, then the summary sheet. Each table
    /// sheet reads as ``SheetLayout`` says: readable headings over the CSV's names, columns sized
    /// to their content, number formats by column, rows in rank order where there is a rank, and
    /// the headings and the id (and label) columns frozen.
    public static func data(sheets tables: [(name: String, table: OutputTable)], provenance: Provenance,
                            extra: OutputTable? = nil, layout: SheetLayout = SheetLayout(), layouts: [SheetLayout]? = nil) throws -> [UInt8] {
        for (name, table) in tables {
            try checkRows(table.rows.count, sheet: name)
            try checkLengths(table, sheet: name)
        }
        if let extra { try checkLengths(extra, sheet: "Summary") }
        var summaryRows: [[Cell]] = provenance.rows.map { [.text($0.0), $0.1] }
        if let extra { summaryRows += [[]] + [extra.header.map(Cell.text)] + extra.rows }
        let worksheets = tables.enumerated().map { k, sheet in (layouts.map { $0[k] } ?? layout).worksheet(sheet.table) }
            + [worksheet(rows: summaryRows, frozen: nil, styles: [0, 9], widths: [34, 80])]
        let names = tables.map(\.name) + ["Summary"]
        let count = names.count
        var parts: [(String, Data)] = [
            ("xl/styles.xml", Data(Self.stylesXML.utf8)),
            ("[Content_Types].xml", try encode(ContentTypes(sheets: count), root: "Types",
                                                attributes: ["xmlns": "http://schemas.openxmlformats.org/package/2006/content-types"])),
            ("_rels/.rels", try encode(Relationships(Relationship: [Relationship(Id: "rId1", Type: officeDocument, Target: "xl/workbook.xml")]),
                                       root: "Relationships", attributes: ["xmlns": relationshipsNS])),
            ("xl/workbook.xml", try encode(Workbook(sheets: Sheets(sheet: names.enumerated().map { k, name in
                SheetEntry(name: name, sheetId: k + 1, rid: "rId\(k + 1)") })),
                root: "workbook", attributes: ["xmlns": mainNS, "xmlns:r": officeRelNS])),
            ("xl/_rels/workbook.xml.rels", try encode(Relationships(Relationship: names.indices.map { k in
                Relationship(Id: "rId\(k + 1)", Type: worksheetType, Target: "worksheets/sheet\(k + 1).xml") }
                + [Relationship(Id: "rId\(count + 1)", Type: officeRelNS + "/styles", Target: "styles.xml")]),
                root: "Relationships", attributes: ["xmlns": relationshipsNS])),
        ]
        for (k, sheet) in worksheets.enumerated() {
            parts.append(("xl/worksheets/sheet\(k + 1).xml", try encode(sheet, root: "worksheet", attributes: ["xmlns": mainNS])))
        }
        let archive = try Archive(accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return [UInt8](archive.data ?? Data())
    }

    /// Number formats: cells keep their full value; the format only changes how they read.
    /// Style 1: pounds (`£#,##0`) for `_gbp` columns; 2: values already in percent (`0.0"%"`) for
    /// `_pct` columns; 3: probabilities as percentages (`0.0%`) for `p_` columns; 4: pounds and
    /// pence (`£#,##0.00`) for amounts per head in pounds; 5: `#,##0.00`; 6: `0.0000` for small
    /// numbers; 7: the headings (bold, wrapped); 8: the CSV's names under them (italic, grey);
    /// 9: wrapped text (the summary sheet's values); 0: General.
    static let stylesXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="6"><numFmt numFmtId="164" formatCode="&quot;£&quot;#,##0"/>\
        <numFmt numFmtId="165" formatCode="0.0&quot;%&quot;"/><numFmt numFmtId="166" formatCode="0.0%"/>\
        <numFmt numFmtId="167" formatCode="&quot;£&quot;#,##0.00"/><numFmt numFmtId="168" formatCode="#,##0.00"/>\
        <numFmt numFmtId="169" formatCode="0.0000"/></numFmts>\
        <fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>\
        <font><i/><sz val="9"/><color rgb="FF666666"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="10"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment wrapText="1" vertical="bottom"/></xf>\
        <xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """

    /// The style index for a column by its name alone (see ``stylesXML``): pounds, percent,
    /// probabilities; nil where the name does not say.
    static func style(forColumn name: String) -> Int? {
        if name.hasSuffix("_gbp") { return 1 }
        if name.hasSuffix("_pct") { return 2 }
        if name.hasPrefix("p_top") || name.hasPrefix("p_bottom") { return 3 }
        return nil
    }

    static let mainNS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipsNS = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let officeRelNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let officeDocument = officeRelNS + "/officeDocument"
    static let worksheetType = officeRelNS + "/worksheet"

    static func encode<T: Encodable>(_ value: T, root: String, attributes: [String: String]) throws -> Data {
        let encoder = XMLEncoder()
        return try encoder.encode(value, withRootKey: root, rootAttributes: attributes,
                                  header: XMLHeader(version: 1.0, encoding: "UTF-8", standalone: "yes"))
    }

    /// Column letters: 0 → A, 25 → Z, 26 → AA.
    static func column(_ j: Int) -> String {
        var n = j + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }

    /// Refuses text longer than a cell holds, naming the sheet, row and column, rather than
    /// writing a workbook Excel will not open (or cutting the text without a word).
    /// A sheet of `rows` rows under a header fits a worksheet, or the error says to write CSV.
    public static func checkRows(_ rows: Int, sheet: String) throws {
        if rows + 1 > maximumRows { throw OutputError.tooManyRows(sheet: sheet, rows: rows, limit: maximumRows) }
    }

    static func checkLengths(_ table: OutputTable, sheet: String) throws {
        for (i, row) in ([table.header.map(Cell.text)] + table.rows).enumerated() {
            for (j, cell) in row.enumerated() {
                guard case let .text(s) = cell, s.utf16.count > maximumCellLength else { continue }
                throw OutputError.cellTooLong(sheet: sheet, row: i + 1, column: j < table.header.count ? table.header[j] : column(j),
                                              length: s.utf16.count, limit: maximumCellLength)
            }
        }
    }

    /// A worksheet of `rows`; `rowStyles` style whole rows (the headings), `styles` the cells of
    /// each column below them; `frozen` is the first cell that scrolls (rows above it and
    /// columns left of it stay), `widths` the columns' widths in characters.
    static func worksheet(rows: [[Cell]], frozen: (row: Int, column: Int)?, styles: [Int] = [], rowStyles: [Int: Int] = [:],
                          widths: [Double] = []) -> Worksheet {
        let xrows: [XRow] = rows.enumerated().map { i, row in
            XRow(r: i + 1, c: row.enumerated().compactMap { j, cell in
                let ref = column(j) + String(i + 1)
                let s = rowStyles[i] ?? (j < styles.count && styles[j] != 0 ? styles[j] : nil)
                switch cell {
                case let .number(x): return x.isFinite ? XCell(r: ref, s: s, t: nil, v: NumberFormat.roundTrip(x), is: nil) : nil
                case let .integer(k): return XCell(r: ref, s: nil, t: nil, v: String(k), is: nil)
                // As text, like the CSV: LibreOffice reads an XLSX boolean as the formula =TRUE().
                case let .bool(b): return XCell(r: ref, s: nil, t: "inlineStr", v: nil, is: InlineString(t: InlineText(value: b ? "TRUE" : "FALSE")))
                case let .text(text):
                    return XCell(r: ref, s: rowStyles[i] ?? (styles.count > j && styles[j] == 9 ? 9 : nil), t: "inlineStr", v: nil,
                                 is: InlineString(t: InlineText(value: xmlSafe(text))))
                case .empty: return nil
                }
            })
        }
        var pane: Pane? = nil, selection: Selection? = nil
        if let frozen {
            let top = column(frozen.column) + String(frozen.row + 1)
            let active = frozen.column > 0 ? "bottomRight" : "bottomLeft"
            pane = Pane(xSplit: frozen.column > 0 ? frozen.column : nil, ySplit: frozen.row, topLeftCell: top, activePane: active, state: "frozen")
            selection = Selection(pane: active, activeCell: top, sqref: top)
        }
        let cols = widths.isEmpty ? nil : Columns(col: widths.enumerated().map { j, w in
            ColumnWidth(min: j + 1, max: j + 1, width: NumberFormat.fixed(w, decimals: 1), customWidth: 1) })
        return Worksheet(sheetViews: SheetViews(sheetView: SheetView(workbookViewId: 0, pane: pane, selection: selection)), cols: cols,
                         sheetData: SheetData(row: xrows))
    }

    /// Drops the control characters XML 1.0 cannot hold.
    static func xmlSafe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
    }

    // MARK: the XML parts

    struct Worksheet: Encodable { let sheetViews: SheetViews; let cols: Columns?; let sheetData: SheetData }
    struct Columns: Encodable { let col: [ColumnWidth] }
    struct ColumnWidth: Encodable, DynamicNodeEncoding {
        let min: Int, max: Int, width: String, customWidth: Int
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct SheetViews: Encodable { let sheetView: SheetView }
    struct SheetView: Encodable, DynamicNodeEncoding {
        let workbookViewId: Int
        let pane: Pane?
        let selection: Selection?
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "workbookViewId" ? .attribute : .element }
    }
    struct Selection: Encodable, DynamicNodeEncoding {
        let pane: String, activeCell: String, sqref: String
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct Pane: Encodable, DynamicNodeEncoding {
        let xSplit: Int?, ySplit: Int, topLeftCell: String, activePane: String, state: String
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct SheetData: Encodable { let row: [XRow] }
    struct XRow: Encodable, DynamicNodeEncoding {
        let r: Int
        let c: [XCell]
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "r" ? .attribute : .element }
    }
    struct XCell: Encodable, DynamicNodeEncoding {
        let r: String
        let s: Int?
        let t: String?
        let v: String?
        let `is`: InlineString?
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding {
            key.stringValue == "r" || key.stringValue == "s" || key.stringValue == "t" ? .attribute : .element
        }
    }
    struct InlineString: Encodable { let t: InlineText }
    struct InlineText: Encodable, DynamicNodeEncoding {
        let value: String
        enum CodingKeys: String, CodingKey { case space = "xml:space", value = "" }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode("preserve", forKey: .space)
            try c.encode(value, forKey: .value)
        }
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { key.stringValue == "xml:space" ? .attribute : .element }
    }
    struct Workbook: Encodable { let sheets: Sheets }
    struct Sheets: Encodable { let sheet: [SheetEntry] }
    struct SheetEntry: Encodable, DynamicNodeEncoding {
        let name: String, sheetId: Int, rid: String
        enum CodingKeys: String, CodingKey { case name, sheetId, rid = "r:id" }
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct Relationships: Encodable { let Relationship: [Relationship] }
    struct Relationship: Encodable, DynamicNodeEncoding {
        let Id: String, `Type`: String, Target: String
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct ContentTypes: Encodable {
        let Default: [DefaultType]
        let Override: [OverrideType]
        init(sheets: Int) {
            Default = [DefaultType(Extension: "rels", ContentType: "application/vnd.openxmlformats-package.relationships+xml"),
                       DefaultType(Extension: "xml", ContentType: "application/xml")]
            Override = [OverrideType(PartName: "/xl/workbook.xml", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")]
                + (1...sheets).map { OverrideType(PartName: "/xl/worksheets/sheet\($0).xml",
                                                  ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml") }
                + [OverrideType(PartName: "/xl/styles.xml", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")]
        }
    }
    struct DefaultType: Encodable, DynamicNodeEncoding {
        let Extension: String, ContentType: String
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
    struct OverrideType: Encodable, DynamicNodeEncoding {
        let PartName: String, ContentType: String
        static func nodeEncoding(for key: CodingKey) -> XMLEncoder.NodeEncoding { .attribute }
    }
}
