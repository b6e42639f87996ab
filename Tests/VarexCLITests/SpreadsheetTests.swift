import Foundation
import Testing
import Varex
@testable import VarexAnalysis
import ZIPFoundation

/// Spreadsheets keep every number: our CSV (both dialects) and XLSX of the council explain
/// table, converted by LibreOffice Calc (headless), give back every number to the 15 significant
/// digits a spreadsheet keeps, every text cell as the same text (codes like E06000001, names with
/// commas, a name beginning with '='), and no formula anywhere.
struct SpreadsheetTests {
    static let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The council data with one name changed to begin with '=', explained, in three files.
    static func outputs() throws -> (dir: String, csv: String, excel: String, xlsx: String) {
        let dir = try CLI.temporaryDirectory()
        var data = try String(contentsOfFile: CLI.fixture("councils/asc_2018_19.csv"), encoding: .utf8)
        data = data.replacingOccurrences(of: "E06000001,Hartlepool,", with: "E06000001,=Hartlepool+1,")
        let path = try CLI.write(data, named: "asc.csv", in: dir)
        var args = ["explain", path, "--id", "code", "--label", "name",
                    "--formula", "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type",
                    "--justified", "need=log(pop_85p/pop_18p),imd_score", "--unjustified", "type=council_type", "--scale", "pop_18p"]
        var r = try CLI.run(args + ["--out", dir + "/rfc.csv", "--xlsx", dir + "/book.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        args += ["--out", dir + "/excel.csv", "--csv-dialect", "excel"]
        r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, dir + "/rfc.csv", dir + "/excel.csv", dir + "/book.xlsx")
    }

    @Test func excelDialectHasBOMAndCRLF() throws {
        let o = try Self.outputs()
        let excel = try [UInt8](Data(contentsOf: URL(fileURLWithPath: o.excel)))
        let rfc = try [UInt8](Data(contentsOf: URL(fileURLWithPath: o.csv)))
        #expect(Array(excel.prefix(3)) == [0xEF, 0xBB, 0xBF] && rfc.first != 0xEF)
        let crlf = zip(excel, excel.dropFirst()).filter { $0 == 0x0D && $1 == 0x0A }.count
        #expect(crlf == 153 && !rfc.contains(0x0D))
        // Same records either way.
        let a = try CSVReader.parse(excel, file: "excel.csv"), b = try CSVReader.parse(rfc, file: "rfc.csv")
        #expect(a.header == b.header && a.rows == b.rows)
    }

    @Test func workbookHasTypedCellsAFrozenHeaderAndProvenance() throws {
        let o = try Self.outputs()
        let archive = try Archive(url: URL(fileURLWithPath: o.xlsx), accessMode: .read)
        func part(_ name: String) throws -> String {
            var data = Data()
            _ = try archive.extract(archive[name]!) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        let sheet = try part("xl/worksheets/sheet1.xml")
        // Two heading rows (readable titles, then the CSV's names) and the id and label columns frozen.
        #expect(sheet.contains("<pane xSplit=\"2\" ySplit=\"2\" topLeftCell=\"C3\" activePane=\"bottomRight\" state=\"frozen\""))
        let cells = XLSXCells(sheet)
        let row = try #require(cells.row(whereA: "E06000001"))
        #expect(cells["B\(row)"]?.text == "=Hartlepool+1", "text stays text")
        #expect(cells["C\(row)"]?.number != nil, "numbers are numeric cells")
        #expect(!sheet.contains("<f>"), "no formulas")
        let summary = try part("xl/worksheets/sheet2.xml")
        for label in ["Made by", "Data SHA-256", "Formula", "Date", "R-squared", "Input file 1 SHA-256", "Left out"] { #expect(summary.contains(">\(label)<")) }
        #expect(summary.contains("Varex \(VarexVersion.string)"))
        #expect(try part("xl/workbook.xml").contains("name=\"Summary\""))
        // Number formats: pounds, values in percent, probabilities, pounds per head; the values stay full precision.
        let styles = try part("xl/styles.xml")
        #expect(styles.contains("<numFmt numFmtId=\"164\" formatCode=\"&quot;£&quot;#,##0\"/>"))
        #expect(styles.contains("<numFmt numFmtId=\"165\" formatCode=\"0.0&quot;%&quot;\"/>"))
        #expect(styles.contains("<numFmt numFmtId=\"167\" formatCode=\"&quot;£&quot;#,##0.00\"/>"))
        let csv = try CSVReader.read(path: o.csv)
        let header = csv.header
        let first = try #require(csv.rows.first { $0[0] == "E06000001" })
        for (name, style) in [("unjustified_gbp", 1), ("unjustified_pct", 2), ("observed", 4), ("studentized_residual", 6)] {
            let j = header.firstIndex(of: name)!
            let ref = XLSXWriter.column(j) + String(row)
            #expect(cells[ref]?.style == style && cells[ref]?.number == first[j], "\(name): \(String(describing: cells[ref]))")
        }
        // The headings: readable titles over the CSV's names.
        #expect(cells["A1"]?.text == "Code" && cells["B1"]?.text == "Name" && cells["A2"]?.text == "code")
        let gbp = XLSXWriter.column(header.firstIndex(of: "unjustified_gbp")!)
        #expect(cells["\(gbp)1"]?.text == "Unjustified, total (£)" && cells["\(gbp)2"]?.text == "unjustified_gbp")
        // Rows in the ranking's order (rank 1 first), as the report shows them.
        let rank = header.firstIndex(of: "rank")!
        let ids = (3...(csv.rows.count + 2)).map { cells["A\($0)"]?.text ?? "" }
        let want = csv.rows.sorted { (Int($0[rank]) ?? .max, 0) < (Int($1[rank]) ?? .max, 0) }.map { $0[0] }
        #expect(ids == want)
        // Columns as wide as their content: the names column holds "Bath and North East Somerset".
        let widths = cells.widths
        #expect((widths[2] ?? 0) >= 28 && (widths[2] ?? 0) <= 50, "\(widths)")
        #expect(widths.count == header.count)
    }

    /// `report --xlsx`: the report's table with its rank columns, probabilities formatted as %.
    @Test func reportWritesAWorkbook() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--spec", CLI.fixture("specs/council-explain.yaml"), "--bootstrap", "100",
                             "--html", dir + "/r.html", "--out", dir + "/r.csv", "--xlsx", dir + "/r.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let archive = try Archive(url: URL(fileURLWithPath: dir + "/r.xlsx"), accessMode: .read)
        var data = Data()
        _ = try archive.extract(archive["xl/worksheets/sheet1.xml"]!) { data.append($0) }
        let sheet = String(decoding: data, as: UTF8.self)
        let csv = try CSVReader.read(path: dir + "/r.csv")
        let j = csv.header.firstIndex(of: "p_top10")!
        let k = csv.rows.firstIndex { !$0[j].isEmpty }!
        let cells = XLSXCells(sheet), row = try #require(cells.row(whereA: csv.rows[k][0]))
        #expect(cells[XLSXWriter.column(j) + String(row)]?.style == 3 && cells[XLSXWriter.column(j) + String(row)]?.number == csv.rows[k][j])
    }

    /// `explain --panel --xlsx` (and `report --panel --xlsx`): a sheet of council-years (760 rows and
    /// the header) and one of councils (152), each with the numbers of the CSVs the same run
    /// writes (checked against R in PanelCLITests), and the summary with the groups' shares and F tests.
    @Test func panelWritesAWorkbookOfBothTables() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(PanelCLITests.args + ["--out", dir + "/rows.csv", "--persistent-out", dir + "/units.csv", "--xlsx", dir + "/p.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let archive = try Archive(url: URL(fileURLWithPath: dir + "/p.xlsx"), accessMode: .read)
        func part(_ name: String) throws -> String {
            var data = Data()
            _ = try archive.extract(archive[name]!) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        let book = try part("xl/workbook.xml")
        #expect(book.contains("name=\"Council-periods\"") && book.contains("name=\"Councils\"") && book.contains("name=\"Summary\""))
        for (k, file, rows) in [(1, "rows.csv", 760), (2, "units.csv", 152)] {
            let sheet = try part("xl/worksheets/sheet\(k).xml")
            let csv = try CSVReader.read(path: dir + "/" + file)
            #expect(csv.rows.count == rows)
            #expect(sheet.components(separatedBy: "<row ").count - 1 == rows + 2, "sheet \(k) rows")
            let j = csv.header.firstIndex(of: k == 1 ? "unjustified_gbp" : "persistent_gbp")!
            let i = csv.rows.firstIndex { !$0[j].isEmpty }!
            let cells = XLSXCells(sheet)
            // The council-periods stay in the panel's order; the councils are sorted by their persistent rank.
            let row = k == 1 ? i + 3 : try #require(cells.row(whereA: csv.rows[i][0]))
            #expect(cells[XLSXWriter.column(j) + String(row)]?.style == 1 && cells[XLSXWriter.column(j) + String(row)]?.number == csv.rows[i][j], "sheet \(k)")
        }
        let summary = try part("xl/worksheets/sheet3.xml")
        for label in ["Share of marginal R²: need (justified)", "F test: type (F, NumDF, DenDF, p)", "Data SHA-256", "imd_score"] {
            #expect(summary.contains(label), "\(label)")
        }
        let report = try CLI.run(["report"] + PanelCLITests.args.dropFirst() + ["--html", dir + "/p.html", "--xlsx", dir + "/q.xlsx"])
        #expect(report.status == 0 && FileManager.default.fileExists(atPath: dir + "/q.xlsx"), "\(report.stderr)")
    }

    /// `explain --family --xlsx`: the GLM's councils (the numbers of the CSV the same run writes,
    /// checked against R in GLMCLITests) and a summary with the family, the shares of the
    /// deviance explained and the coefficients.
    @Test func glmExplainWritesAWorkbook() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["explain", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--family", "poisson",
                             "--formula", "ascof_2a2_num ~ imd_score + offset(log(ascof_2a2_den))", "--justified", "need=imd_score",
                             "--out", dir + "/e.csv", "--xlsx", dir + "/e.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let archive = try Archive(url: URL(fileURLWithPath: dir + "/e.xlsx"), accessMode: .read)
        func part(_ name: String) throws -> String {
            var data = Data()
            _ = try archive.extract(archive[name]!) { data.append($0) }
            return String(decoding: data, as: UTF8.self)
        }
        let sheet = try part("xl/worksheets/sheet1.xml"), summary = try part("xl/worksheets/sheet2.xml")
        let csv = try CSVReader.read(path: dir + "/e.csv")
        #expect(sheet.components(separatedBy: "<row ").count - 1 == csv.rows.count + 2)
        let j = csv.header.firstIndex(of: "unjustified")!
        let cells = XLSXCells(sheet), row = try #require(cells.row(whereA: csv.rows[0][0]))
        #expect(cells[XLSXWriter.column(j) + String(row)]?.number == csv.rows[0][j])
        for label in ["Family and link", "Share of deviance explained: need (justified)", "imd_score"] { #expect(summary.contains(label), "\(label)") }
    }

    /// Converts `file` with LibreOffice; returns the output's path.
    static func convert(_ file: String, to format: String, in dir: String, csvInput: Bool) throws -> String {
        let out = dir + "/lo-" + UUID().uuidString
        let p = Process()
        p.executableURL = URL(fileURLWithPath: soffice!)
        var args = ["--headless", "-env:UserInstallation=file://\(dir)/lo-profile"]
        if csvInput { args += ["--infilter=CSV:44,34,76,1"] }
        args += ["--convert-to", format, "--outdir", out, file]
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let produced = try FileManager.default.contentsOfDirectory(atPath: out)
        return out + "/" + produced[0]
    }

    static let csvExport = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"

    /// scripts/test.sh installs LibreOffice and sets VAREX_REQUIRE_LIBREOFFICE: there a missing one fails.
    static let libreOfficeRequired = ProcessInfo.processInfo.environment["VAREX_REQUIRE_LIBREOFFICE"] != nil

    @Test(.enabled(if: soffice != nil || libreOfficeRequired, "LibreOffice is not installed (scripts/test.sh installs it)"),
          arguments: ["rfc", "excel", "xlsx"])
    func libreOfficeKeepsEveryNumberAndText(_ kind: String) throws {
        _ = try #require(Self.soffice, "VAREX_REQUIRE_LIBREOFFICE is set but LibreOffice is not installed")
        let o = try Self.outputs()
        let file = kind == "rfc" ? o.csv : kind == "excel" ? o.excel : o.xlsx
        let back = try Self.convert(file, to: Self.csvExport, in: o.dir, csvInput: kind != "xlsx")
        var got = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: back))), file: "lo.csv")
        let want = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: o.csv))), file: "rfc.csv")
        if kind == "xlsx" {
            // The workbook's first row holds readable titles, its second the CSV's names; its rows
            // are in rank order: matched to the CSV's by id.
            #expect(got.header.contains("Unjustified, total (£)"))
            #expect(got.rows.first == want.header)
            let byID = Dictionary(uniqueKeysWithValues: got.rows.dropFirst().map { ($0[0], $0) })
            got = CSVRecords(header: got.rows[0], rows: want.rows.map { byID[$0[0]] ?? [] }, lines: [])
        }
        #expect(got.header == want.header)
        #expect(got.rows.count == want.rows.count)
        var numbers = 0
        for (g, w) in paired(got.rows, want.rows) {
            for j in w.indices {
                if let x = Double(w[j]), !w[j].isEmpty {
                    guard let y = Double(g[j]) else { Issue.record("\(kind) \(w[0]) \(want.header[j]): '\(g[j])' is no longer a number"); continue }
                    #expect(abs(x - y) <= 1e-14 * abs(x), "\(kind) \(w[0]) \(want.header[j]): \(x) came back as \(y)")
                    numbers += 1
                } else {
                    // Text stays the same text; in the workbook the name keeps its '=' without our CSV apostrophe.
                    let expected = kind == "xlsx" && w[j].hasPrefix("'=") ? String(w[j].dropFirst()) : w[j]
                    #expect(g[j] == expected, "\(kind) \(w[0]) \(want.header[j]): '\(g[j])' vs '\(expected)'")
                }
            }
        }
        #expect(numbers > 152 * 15)
        let flat = try Self.convert(file, to: "fods", in: o.dir, csvInput: kind != "xlsx")
        let xml = try String(contentsOfFile: flat, encoding: .utf8)
        #expect(!xml.contains("table:formula"), "\(kind): a cell became a formula")
    }
}

extension SpreadsheetTests {
    /// `--xlsx` for a GLM, a mixed model and a fit read in blocks (refused before): LibreOffice reads back the
    /// residual table the CSV holds, every number to 1e-14, and the summary sheet has the
    /// provenance and the coefficient table in broom's columns.
    @Test(.enabled(if: soffice != nil || libreOfficeRequired, "LibreOffice is not installed (scripts/test.sh installs it)"),
          arguments: ["glm", "mixed", "streamed"])
    func glmAndMixedWorkbooks(_ kind: String) throws {
        _ = try #require(Self.soffice, "VAREX_REQUIRE_LIBREOFFICE is set but LibreOffice is not installed")
        let dir = try CLI.temporaryDirectory()
        let line = kind == "glm"
            ? ["fit", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--family", "poisson", "--se", "HC1",
               "--formula", "ascof_2a2_num ~ imd_score + council_type + offset(log(ascof_2a2_den))"]
            : kind == "mixed"
            ? ["fit", CLI.fixture("councils/asc_panel_2014_2019.csv"), "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + (1 | code)"]
            : ["fit", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--stream", "--se", "HC3", "--exclude", "E06000001",
               "--formula", "asc_net_spend_per_adult_gbp ~ imd_score + council_type"]
        let r = try CLI.run(line + ["--residuals", dir + "/r.csv", "--xlsx", dir + "/r.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        let back = try Self.convert(dir + "/r.xlsx", to: Self.csvExport, in: dir, csvInput: false)
        let read = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: back))), file: "lo.csv")
        let want = try CSVReader.read(path: dir + "/r.csv")
        // Readable titles, then the CSV's names, then the rows in the CSV's order (no rank here).
        #expect(read.rows.first == want.header)
        let got = CSVRecords(header: read.rows[0], rows: Array(read.rows.dropFirst()), lines: [])
        #expect(got.header == want.header && got.rows.count == want.rows.count)
        var numbers = 0
        for (g, w) in paired(got.rows, want.rows) {
            for j in w.indices {
                if let x = Double(w[j]) {
                    let y = Double(g[j]) ?? .nan
                    // LibreOffice's CSV export writes a number near 1e-8 in fixed notation, to
                    // about 20 decimals: hence the absolute 1e-20.
                    #expect(abs(x - y) <= 1e-14 * abs(x) + 1e-20, "\(kind) \(w[0]) \(want.header[j]): \(x) came back as \(g[j])")
                    numbers += 1
                } else {
                    #expect(g[j] == w[j], "\(kind) \(want.header[j])")
                }
            }
        }
        #expect(numbers > want.rows.count * 4)
        // The summary sheet: its shared strings hold the provenance labels and broom's header.
        let archive = try Archive(url: URL(fileURLWithPath: dir + "/r.xlsx"), accessMode: .read)
        var data = Data()
        _ = try archive.extract(archive["xl/worksheets/sheet2.xml"]!) { data.append($0) }
        let sheet = String(decoding: data, as: UTF8.self)
        for text in ["Kind of model", kind, "Data SHA-256", "std_error", "statistic", "p_value"] {
            #expect(sheet.contains(">\(text)<"), "\(kind): the summary sheet has no '\(text)'")
        }
    }
}

/// A worksheet holds 1,048,576 rows with its header: a longer table is an error that says to
/// write CSV, before any pass over the data (`fit --stream --xlsx` of a large file).
struct WorksheetRowLimitTests {
    @Test func tooManyRowsIsAnError() throws {
        #expect(throws: Never.self) { try XLSXWriter.checkRows(1_048_575, sheet: "Residuals") }
        do {
            try XLSXWriter.checkRows(1_048_576, sheet: "Residuals")
            Issue.record("no error")
        } catch let e as OutputError {
            #expect(e == .tooManyRows(sheet: "Residuals", rows: 1_048_576, limit: 1_048_576))
            #expect(e.description.contains("write the table as CSV"), "\(e.description)")
        }
    }
}

/// The cells of a worksheet's XML by reference (`C3`): each one's style and its number or text,
/// and the columns' widths: enough to check what an editor opening the workbook sees.
struct XLSXCells {
    struct Cell: CustomStringConvertible {
        var style: Int?
        var number: String?
        var text: String?
        var description: String { "s=\(style.map(String.init) ?? "-") v=\(number ?? "-") t=\(text ?? "-")" }
    }
    var cells: [String: Cell] = [:]
    /// Column (1-based) → width in characters.
    var widths: [Int: Double] = [:]

    init(_ xml: String) {
        let cell = try! Regex(#"<c r="([A-Z]+[0-9]+)"(?: s="([0-9]+)")?(?: t="inlineStr")?>(?:<v>([^<]*)</v>|<is><t xml:space="preserve">([^<]*)</t></is>)</c>"#)
        for m in xml.matches(of: cell) {
            let ref = String(xml[m.output[1].range!])
            cells[ref] = Cell(style: m.output[2].range.map { Int(xml[$0])! }, number: m.output[3].range.map { String(xml[$0]) },
                              text: m.output[4].range.map { String(xml[$0]).replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<") })
        }
        let col = try! Regex(#"<col min="([0-9]+)" max="[0-9]+" width="([0-9.]+)""#)
        for m in xml.matches(of: col) { widths[Int(xml[m.output[1].range!])!] = Double(xml[m.output[2].range!])! }
    }

    subscript(_ ref: String) -> Cell? { cells[ref] }

    /// The row whose column A holds `id`.
    func row(whereA id: String) -> Int? {
        cells.first { $0.key.hasPrefix("A") && $0.value.text == id }.flatMap { Int($0.key.dropFirst()) }
    }
}

/// The published workbook (the bundled spec's report) as LibreOffice reads it: the councils
/// sheet with readable headings over the CSV's names and every number of the CSV to 1e-14 (15
/// digits), in the ranking's order; the summary sheet with every input file and its SHA-256
/// (by `sha256sum`), the sources and licence line, the seed, the councils left out and why,
/// the spec's text and the Varex version.
struct PublishedWorkbookTests {
    @Test(.enabled(if: SpreadsheetTests.soffice != nil || SpreadsheetTests.libreOfficeRequired, "LibreOffice is not installed (scripts/test.sh installs it)"))
    func libreOfficeReadsTheWholeProvenance() throws {
        _ = try #require(SpreadsheetTests.soffice, "VAREX_REQUIRE_LIBREOFFICE is set but LibreOffice is not installed")
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--spec", CLI.fixture("specs/council-explain.yaml"), "--bootstrap", "100",
                             "--html", dir + "/r.html", "--out", dir + "/r.csv", "--xlsx", dir + "/r.xlsx"])
        #expect(r.status == 0, "\(r.stderr)")
        // Every sheet as CSV (the export's last token, -1).
        let out = dir + "/sheets"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SpreadsheetTests.soffice!)
        p.arguments = ["--headless", "-env:UserInstallation=file://\(dir)/lo-profile", "--convert-to", SpreadsheetTests.csvExport + ",-1",
                       "--outdir", out, dir + "/r.xlsx"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let councils = try CSVReader.read(path: out + "/r-Councils.csv")
        let want = try CSVReader.read(path: dir + "/r.csv")
        #expect(councils.rows.count == want.rows.count + 1)
        #expect(councils.rows[0] == want.header, "the CSV's names under the headings")
        for (title, name) in [("Code", "code"), ("Name", "name"), ("Unjustified, total (£)", "unjustified_gbp"), ("Rank", "rank"),
                              ("Observed (£ per head)", "observed"), ("P(top 10)", "p_top10")] {
            #expect(councils.header[want.header.firstIndex(of: name)!] == title, "\(name)")
        }
        let rank = want.header.firstIndex(of: "rank")!
        let ordered = want.rows.sorted { (Int($0[rank]) ?? .max) < (Int($1[rank]) ?? .max) }
        #expect(councils.rows.dropFirst().map { $0[0] } == ordered.map { $0[0] })
        var numbers = 0
        for (g, w) in paired(Array(councils.rows.dropFirst()), ordered) {
            for j in w.indices {
                if let x = Double(w[j]) {
                    // A cell formatted as a percentage is exported with its sign (0.02 as "2%"), in full.
                    let y = g[j].hasSuffix("%") ? (Double(g[j].dropLast()) ?? .nan) / 100 : Double(g[j]) ?? .nan
                    #expect(abs(x - y) <= 1e-14 * abs(x), "\(w[0]) \(want.header[j]): \(x) came back as \(g[j])")
                    numbers += 1
                } else {
                    #expect(g[j] == w[j], "\(w[0]) \(want.header[j])")
                }
            }
        }
        #expect(numbers > 150 * 25)
        // The summary sheet's provenance.
        // The sheet has no header row: one is put over it to read it.
        let text = try String(contentsOfFile: out + "/r-Summary.csv", encoding: .utf8)
        let width = text.prefix { $0 != "\n" }.filter { $0 == "," }.count + 1
        let head = (1...width).map { "c\($0)" }.joined(separator: ",") + "\n"
        let summary = try CSVReader.parse(Array((head + text).utf8), file: "summary.csv")
        var facts: [String: [String]] = [:]
        for row in summary.rows where row.count > 1 { facts[row[0], default: []].append(row[1]) }
        #expect(facts["Made by"] == ["Varex \(VarexVersion.string)"])
        for (k, file) in ["asc_2018_19.csv", "gross_spend_2018_19.csv", "rurality_2011.csv"].enumerated() {
            #expect(facts["Input file \(k + 1)"]?.first?.hasSuffix(file) == true)
            #expect(facts["Input file \(k + 1) SHA-256"] == [try PublishedPageTests.sha256sum(CLI.fixture("councils/" + file))])
        }
        #expect(facts["Source"]?.last == "Contains public sector information licensed under the Open Government Licence v3.0.")
        #expect(facts["Run"] == ["Rank intervals: 100 bootstrap replicates (cases resampled), seed 2019."])
        #expect(facts["Left out"]?.count == 2 && facts["Left out"]!.contains { $0.hasPrefix("City of London (E09000001): excluded") })
        let spec = try String(contentsOfFile: CLI.fixture("specs/council-explain.yaml"), encoding: .utf8)
        #expect(facts["Spec"] == [spec], "the spec's text, whole")
    }
}
