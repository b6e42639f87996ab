import Foundation
import Testing
import Varex

/// What a reader of a published page sees, measured in headless Chromium at a desktop width
/// (1280 px) and a phone width (390 px): the page laid out (no sideways scrolling of the page;
/// the first screen starts at the top), the first screen's sentences free of formula syntax and
/// written with the spec's labels, a unit on every axis, the short table in the ranking's order,
/// and the notes (sources with the licence line, every input's SHA-256 by `sha256sum`, the
/// councils left out, the seed, the version). Screenshots of each width are written beside the
/// page (and kept under `VAREX_SCREENSHOTS` when it is set).
struct PublishedPageTests {
    static let widths = [1280, 390]

    /// The bundled spec's report, with its labels and sources.
    static func councilReport() throws -> (dir: String, csv: [[String: String]]) {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--spec", CLI.fixture("specs/council-explain.yaml"), "--bootstrap", "100",
                             "--html", dir + "/report.html", "--out", dir + "/report.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        return (dir, try CLI.records(dir + "/report.csv"))
    }

    /// SHA-256 by coreutils, not by Varex.
    static func sha256sum(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// Formula syntax a reader should not meet on the first screen.
    static let formulaSyntax = ["~", "I(", "log(", "_", " * ", "(1 |", "pop_"]

    @Test(.enabled(if: ReportTests.chromium != nil || ReportTests.chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func reportAsAReaderSeesIt() throws {
        let chromium = try #require(ReportTests.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let (dir, csv) = try Self.councilReport()
        for width in Self.widths {
            let seen = try CLI.chromiumProbe(chromium, page: dir + "/report.html", width: width, dir: dir)
            try CLI.chromiumScreenshot(chromium, page: dir + "/report.html", width: width, to: dir + "/report-\(width).png")
            #expect(seen.console.isEmpty, "console: \(seen.console)")
            let p = seen.probe
            // Laid out for the width: the page never scrolls sideways (tables scroll in their own box).
            #expect((p["scrollWidth"] as! Double) <= Double(width), "\(width) px: the page is \(p["scrollWidth"]!) px wide")
            // The first screen opens with the question and the findings.
            #expect((p["findingsTop"] as! Double) < 300, "\(width) px")
            if width == 1280 { #expect((p["chartTop"] as! Double) < 900, "the one chart starts on the first screen") }
            let first = p["findings"] as! String
            for syntax in Self.formulaSyntax { #expect(!first.contains(syntax), "\(width) px: the first screen shows '\(syntax)'") }
            for label in ["gross adult social care spend per adult", "adults aged 85+ (% of adults)", "deprivation (IMD 2015 average score)",
                          "council type", "care-home admissions of people aged 65+ (per 100,000)", "The model explains 39.6%",
                          "not explained by the model", "Spending above the model's justified level: £"] {
                #expect(first.contains(label), "\(width) px: the first screen lacks '\(label)'")
            }
            // The first screen names the first three by rank, as the CSV ranks them.
            let byRank = csv.filter { !($0["rank"] ?? "").isEmpty }.sorted { Int($0["rank"]!)! < Int($1["rank"]!)! }
            #expect(first.contains("Ranked first, second and third (rank 1 = the highest unjustified amount): \(byRank[0]["name"]!) (£"))
            // A unit on every axis the page draws (the waterfall's drawn by its script).
            let axes = p["axes"] as! [String]
            #expect(axes == ["Share of the variation in gross adult social care spend per adult (%)",
                             "Survey respondents (count)", "Users' overall satisfaction with their care and support (%)",
                             "Rank (rank 1 is the highest unjustified amount)", "Gross adult social care spend per adult (£)"], "\(axes)")
            let ticks = p["waterfallTicks"] as! [String]
            #expect(!ticks.isEmpty && ticks.allSatisfy { $0.hasPrefix("£") || $0.hasPrefix("-£") }, "\(ticks)")
            // The short table in the ranking's order, every council listed, then those left out.
            let ranks = p["shortRanks"] as! [String], names = p["shortNames"] as! [String]
            #expect(ranks.count == 152 && names.count == 152)
            #expect(ranks.prefix(150) == ArraySlice((1...150).map(String.init)) && ranks.suffix(2) == ["", ""])
            #expect(Array(names.prefix(150)) == byRank.map { $0["name"]! })
            #expect(Set(names.suffix(2)) == ["City of London", "Isles of Scilly"])
            let headings = p["shortHeadings"] as! [String]
            #expect(headings == ["Rank", "Council", "Gross adult social care spend per adult (£)", "Justified level",
                                 "Unjustified (£ per head)", "Unjustified, total (£)", "Rank interval (95%)"], "\(headings)")
            let firstRow = p["shortFirstRow"] as! [String]
            let top = byRank[0]
            #expect(firstRow[2] == "£" + String(format: "%.0f", Double(top["observed"]!)!), "\(firstRow)")
            #expect(firstRow[5] == String(format: "£%.1fm", Double(top["unjustified_gbp"]!)! / 1e6), "\(firstRow)")
            #expect(firstRow[6] == "\(top["rank_low"]!)–\(top["rank_high"]!)", "\(firstRow)")
            // The notes: sources with the licence line, inputs with their checksums, exclusions, seed, version.
            let notes = p["notes"] as! String
            #expect(notes.contains("Contains public sector information licensed under the Open Government Licence v3.0."))
            for file in ["asc_2018_19.csv", "gross_spend_2018_19.csv", "rurality_2011.csv"] {
                let sha = try Self.sha256sum(CLI.fixture("councils/" + file))
                #expect(sha.count == 64 && notes.contains(file) && notes.contains(sha), "\(file) \(sha)")
            }
            #expect(notes.contains("2 left out of the analysis") && notes.contains("City of London (E09000001): excluded from the fit")
                    && notes.contains("Isles of Scilly (E06000053)"))
            #expect(notes.contains("100 bootstrap replicates (cases resampled), seed 2019"))
            #expect(notes.contains("Made by Varex \(VarexVersion.string)."))
            // The model's R output is behind a fold: closed, it is not what a reader sees.
            #expect(!(p["visibleText"] as! String).contains("Residual standard error"))
            #expect(try Self.pngWidth(dir + "/report-\(width).png") == max(width, 500))
        }
        try CLI.keepScreenshots(dir: dir, names: Self.widths.map { "report-\($0).png" })
    }

    @Test(.enabled(if: ReportTests.chromium != nil || ReportTests.chromiumRequired, "Chromium is not installed (scripts/test.sh installs it)"))
    func panelPageAsAReaderSeesIt() throws {
        let chromium = try #require(ReportTests.chromium, "VAREX_REQUIRE_CHROMIUM is set but Chromium is not installed")
        let dir = try CLI.temporaryDirectory()
        let data = CLI.fixture("councils/asc_panel_2014_2019.csv")
        let r = try CLI.run(["report", data, "--panel", "code", "--time", "financial_year", "--id", "code", "--label", "name",
                             "--formula", "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type",
                             "--justified", "need=log(pop_85p/pop_18p),imd_score", "--unjustified", "type=council_type", "--scale", "pop_18p",
                             "--label-for", "log(pop_85p/pop_18p)=Share of adults aged 85+ (log)", "--label-for", "imd_score=Deprivation (IMD score)",
                             "--source", "Contains public sector information licensed under the Open Government Licence v3.0.",
                             "--html", dir + "/panel.html", "--out", dir + "/units.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let units = try CLI.records(dir + "/units.csv").sorted { Int($0["rank"]!)! < Int($1["rank"]!)! }
        for width in Self.widths {
            let seen = try CLI.chromiumProbe(chromium, page: dir + "/panel.html", width: width, dir: dir)
            try CLI.chromiumScreenshot(chromium, page: dir + "/panel.html", width: width, to: dir + "/panel-\(width).png")
            #expect(seen.console.isEmpty, "console: \(seen.console)")
            let p = seen.probe
            #expect((p["scrollWidth"] as! Double) <= Double(width), "\(width) px: the page is \(p["scrollWidth"]!) px wide")
            #expect((p["findingsTop"] as! Double) < 300)
            let first = p["findings"] as! String
            for syntax in Self.formulaSyntax { #expect(!first.contains(syntax), "\(width) px: the first screen shows '\(syntax)'") }
            for label in ["ASC net spend per adult", "share of adults aged 85+ (log)", "deprivation (IMD score)", "council type",
                          "152 councils over 5 periods (2014-15 to 2018-19)", "lies between councils and persists"] {
                #expect(first.contains(label), "\(width) px: the first screen lacks '\(label)'")
            }
            #expect(first.contains("(rank 1 = the highest): \(units[0]["name"]!) (£"))
            let axes = p["axes"] as! [String]
            #expect(axes == ["Share of the unexplained variation in ASC net spend per adult (%)", "ASC net spend per adult (£)",
                             "Persistent unjustified amount: ASC net spend per adult (£)"], "\(axes)")
            let ranks = p["shortRanks"] as! [String], names = p["shortNames"] as! [String]
            #expect(ranks == (1...152).map(String.init))
            #expect(names == units.map { $0["name"]! })
            let notes = p["notes"] as! String
            #expect(notes.contains("Contains public sector information licensed under the Open Government Licence v3.0."))
            #expect(notes.contains(try Self.sha256sum(data)))
            #expect(notes.contains("1000 draws of every council's effect from its conditional distribution, seed 1"))
            #expect(notes.contains("Made by Varex \(VarexVersion.string)."))
            #expect(try Self.pngWidth(dir + "/panel-\(width).png") == max(width, 500))
        }
        try CLI.keepScreenshots(dir: dir, names: Self.widths.map { "panel-\($0).png" })
    }

    /// A PNG's width, from its IHDR chunk.
    static func pngWidth(_ path: String) throws -> Int {
        let d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard d.count > 24, d[1] == 0x50, d[2] == 0x4E, d[3] == 0x47 else { return -1 }
        return d[16..<20].reduce(0) { $0 << 8 | Int($1) }
    }
}
