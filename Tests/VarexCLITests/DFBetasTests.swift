import Foundation
import Testing
import Varex

/// `fit --dfbetas all|none|TERM,...` (issue 12, part 3): the default keeps a small model's
/// table as it was (every coefficient's DFBETAS, as R's influence.measures), leaves them out past
/// 50 coefficients and says so on stderr and in the summary; a chosen term writes all its
/// columns, with the same values as the full table; `influential` does not change.
struct DFBetasTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let formula = "asc_net_spend_per_adult_gbp ~ imd_score + I(100 * pop_65p/pop_18p) + council_type"

    static func table(_ extra: [String], data: String = councils, formula: String = formula) throws -> (CLIResult, [[String: String]], [String]) {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["fit", data, "--id", "code", "--formula", formula, "--residuals", dir + "/r.csv"] + extra)
        guard r.status == 0 else { return (r, [], []) }
        return (r, try CLI.records(dir + "/r.csv"), try CSVReader.read(path: dir + "/r.csv").header)
    }

    @Test func smallModelsKeepEveryColumnAndChoicesPickTheirs() throws {
        let (_, everything, allHeader) = try Self.table([])
        let (_, explicit, explicitHeader) = try Self.table(["--dfbetas", "all"])
        #expect(allHeader == explicitHeader && allHeader.filter { $0.hasPrefix("dfbetas_") }.count == 6)
        #expect(everything == explicit)
        let (_, none, noneHeader) = try Self.table(["--dfbetas", "none"])
        #expect(noneHeader.filter { $0.hasPrefix("dfbetas_") }.isEmpty)
        #expect(paired(none, everything).allSatisfy { $0["influential"] == $1["influential"] && $0["cooks_distance"] == $1["cooks_distance"] })
        let (_, type, typeHeader) = try Self.table(["--dfbetas", "council_type, imd_score"])
        #expect(typeHeader.filter { $0.hasPrefix("dfbetas_") } == ["dfbetas_imd_score", "dfbetas_council_typeLondon Borough",
                                                                     "dfbetas_council_typeMetropolitan District", "dfbetas_council_typeUnitary Authority"])
        for (a, b) in paired(type, everything) { for c in typeHeader where c.hasPrefix("dfbetas_") { #expect(a[c] == b[c]) } }
    }

    @Test func largeModelsLeaveThemOutAndSaySo() throws {
        let dir = try CLI.temporaryDirectory()
        // 60 groups: 61 coefficients, past the default's 50.
        let rows = (0..<240).map { i in "r\(i),g\(i % 60),\(Double(i % 17) / 3),\(Double((i * 7919) % 101) / 10)" }
        let data = try CLI.write("code,g,x,y\n" + rows.joined(separator: "\n") + "\n", named: "many.csv", in: dir)
        let (r, _, header) = try Self.table([], data: data, formula: "y ~ x + g")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(header.filter { $0.hasPrefix("dfbetas_") }.isEmpty)
        #expect(r.stderr.contains("DFBETAS: none written to the residual table (61 coefficients); give --dfbetas all"))
        #expect(r.stdout.contains("DFBETAS: none written to the residual table (61 coefficients)"))
        let (all, _, allHeader) = try Self.table(["--dfbetas", "all"], data: data, formula: "y ~ x + g")
        #expect(allHeader.filter { $0.hasPrefix("dfbetas_") }.count == 61)
        #expect(!all.stderr.contains("DFBETAS"))
    }

    @Test func unknownTermsAndMisplacedChoicesAreRefused() throws {
        let (r, _, _) = try Self.table(["--dfbetas", "nosuch"])
        #expect(r.status == 1 && r.stderr.contains("--dfbetas nosuch: the model has no such term; its terms are (Intercept), imd_score"), "\(r.stderr)")
        let noTable = try CLI.run(["fit", Self.councils, "--formula", Self.formula, "--dfbetas", "none"])
        #expect(noTable.status == 1 && noTable.stderr.contains("give --residuals or --xlsx"), "\(noTable.stderr)")
    }
}
