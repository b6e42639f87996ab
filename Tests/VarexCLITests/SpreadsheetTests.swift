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
        #expect(sheet.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\""))
        #expect(sheet.contains("<c r=\"A2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">E06000001</t></is></c>"))
        #expect(sheet.contains("<c r=\"B2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=Hartlepool+1</t></is></c>"))
        #expect(sheet.range(of: #"<c r="C2"><v>[0-9.]+</v></c>"#, options: .regularExpression) != nil, "numbers are numeric cells")
        #expect(!sheet.contains("<f>"), "no formulas")
        let summary = try part("xl/worksheets/sheet2.xml")
        for label in ["Made by", "Data SHA-256", "Formula", "Date", "R-squared"] { #expect(summary.contains(">\(label)<")) }
        #expect(summary.contains("Varex \(VarexVersion.string)"))
        #expect(try part("xl/workbook.xml").contains("name=\"Summary\""))
        // Number formats: pounds, values in percent, probabilities; the values stay full precision.
        let styles = try part("xl/styles.xml")
        #expect(styles.contains("<numFmt numFmtId=\"164\" formatCode=\"&quot;£&quot;#,##0\"/>"))
        #expect(styles.contains("<numFmt numFmtId=\"165\" formatCode=\"0.0&quot;%&quot;\"/>"))
        let header = try CSVReader.read(path: o.csv).header
        let csv = try CSVReader.read(path: o.csv)
        for (name, style) in [("unjustified_gbp", 1), ("unjustified_pct", 2), ("observed", 0)] {
            let j = header.firstIndex(of: name)!
            let ref = XLSXWriter.column(j) + "2"
            let want = style == 0 ? "<c r=\"\(ref)\"><v>\(csv.rows[0][j])</v></c>" : "<c r=\"\(ref)\" s=\"\(style)\"><v>\(csv.rows[0][j])</v></c>"
            #expect(sheet.contains(want), "\(name): \(want)")
        }
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
        #expect(sheet.contains("<c r=\"\(XLSXWriter.column(j))\(k + 2)\" s=\"3\"><v>\(csv.rows[k][j])</v></c>"))
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
            #expect(sheet.components(separatedBy: "<row ").count - 1 == rows + 1, "sheet \(k) rows")
            let j = csv.header.firstIndex(of: k == 1 ? "unjustified_gbp" : "persistent_gbp")!
            let i = csv.rows.firstIndex { !$0[j].isEmpty }!
            #expect(sheet.contains("<c r=\"\(XLSXWriter.column(j))\(i + 2)\" s=\"1\"><v>\(csv.rows[i][j])</v></c>"), "sheet \(k)")
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
        #expect(sheet.components(separatedBy: "<row ").count - 1 == csv.rows.count + 1)
        let j = csv.header.firstIndex(of: "unjustified")!
        #expect(sheet.contains("<c r=\"\(XLSXWriter.column(j))2\"><v>\(csv.rows[0][j])</v></c>"))
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
        let got = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: back))), file: "lo.csv")
        let want = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: o.csv))), file: "rfc.csv")
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
        let got = try CSVReader.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: back))), file: "lo.csv")
        let want = try CSVReader.read(path: dir + "/r.csv")
        #expect(got.header == want.header)
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
