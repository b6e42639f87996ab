import Foundation
import Testing
import Varex
import VarexAnalysis

/// R's semantics at the edges, through the binary, against fixtures/reference/make_edge_reference.R:
/// where R gives NaN (or NA) Varex's JSON has null and its text `NaN`; where R warns, Varex warns
/// with R's words on stderr and in the JSON; every other number equals R's to 1e-9 relative.
///
/// The perfect fit is the one place where the numbers cannot agree: R's standard errors there
/// are rounding noise (1e-12 to 1e-16, so t = 6e15), which no two programs share. For it the
/// test checks the estimates (to 1e-9) and the warning only.
struct EdgeCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: String
        let formula: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "leverage1", data: "councils/asc_2018_19.csv",
             formula: "asc_net_spend_per_adult_gbp ~ imd_score + region:council_type"),
        Case(name: "exact", data: "reference/edge_exact.csv",
             formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(imd_score^2)"),
        Case(name: "perfect", data: "councils/asc_2018_19.csv", formula: "I(2 * pop_65p + 3 * pop_85p) ~ pop_65p + pop_85p"),
    ]

    static func reference(_ name: String) throws -> (header: [String], rows: [[String]]) {
        let r = try CSVReader.read(path: CLI.fixture("reference/" + name))
        return (r.header, r.rows)
    }

    /// R's number: NaN for "NaN" and "NA".
    static func r(_ s: String) -> Double { s == "NA" ? .nan : Double(s)! }

    /// A JSON number, NaN for null.
    static func json(_ v: Any?) -> Double { (v as? NSNumber)?.doubleValue ?? .nan }

    static func agrees(_ got: Double, _ want: Double, rel: Double = 1e-9, abs absTol: Double = 0) -> Bool {
        if !want.isFinite { return !got.isFinite }
        return got == want || abs(got - want) <= rel * abs(want) || abs(got - want) <= absTol
    }

    @Test(arguments: cases, ["classical", "HC0", "HC1", "HC2", "HC3"])
    func summaryAgreesWithRAndWarnsAsR(_ c: Case, _ se: String) throws {
        let run = try CLI.run(["fit", CLI.fixture(c.data), "--id", "code", "--formula", c.formula, "--se", se, "--json", "-"])
        #expect(run.status == 0, "\(run.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let coefs = obj["coefficients"] as! [[String: Any]]
        let ref = try Self.reference("edge_\(c.name)_coefficients.csv")
        let col = { (name: String) in ref.header.firstIndex(of: name)! }
        #expect(coefs.map { $0["term"] as! String } == ref.rows.map { $0[0] })
        for (k, row) in ref.rows.enumerated() {
            let term = row[0]
            // The perfect fit's intercept is 0 (R: -0); compared absolutely at 1e-9 (its response is ~1e6).
            #expect(Self.agrees(Self.json(coefs[k]["estimate"]), Self.r(row[col("estimate")]), abs: c.name == "perfect" ? 1e-9 : 0),
                    "\(c.name) \(term) estimate")
            guard c.name != "perfect" else { continue }
            let seWant = Self.r(row[col(se == "classical" ? "se_classical" : "se_\(se)")])
            #expect(Self.agrees(Self.json(coefs[k]["std_error"]), seWant), "\(c.name) \(term) \(se) SE: R \(seWant)")
            if se == "classical" {
                #expect(Self.agrees(Self.json(coefs[k]["statistic"]), Self.r(row[col("t")])), "\(c.name) \(term) t")
                #expect(Self.agrees(Self.json(coefs[k]["p_value"]), Self.r(row[col("p_value")])), "\(c.name) \(term) p")
            }
        }
        if se == "classical" {
            let stats = try Self.reference("edge_\(c.name)_stats.csv")
            for row in stats.rows where row[0] != "n" && row[0] != "df_residual" {
                guard c.name != "perfect" || row[0] == "r_squared" else { continue }
                let key = row[0] == "f_p_value" ? "f_p_value" : row[0]
                #expect(Self.agrees(Self.json(obj[key]), Self.r(row[1])), "\(c.name) \(row[0]): R \(row[1]), got \(String(describing: obj[key]))")
            }
        }
        // R's warnings for this fit: summary.lm's and this covariance type's own.
        let rWarnings = try Self.reference("edge_\(c.name)_warnings.csv").rows
            .filter { $0[0] == "summary" || ($0[0] == se && $0[1] != "essentially perfect fit: summary may be unreliable") }
            .map { $0[1] }
        let ours = (obj["warnings"] as? [String]) ?? []
        #expect(ours == rWarnings, "\(c.name) \(se): \(ours) vs R \(rWarnings)")
        for w in rWarnings { #expect(run.stderr.contains("varex: warning: \(w)"), "\(c.name) \(se): stderr lacks \(w)") }
    }

    @Test func textPrintsNaNWhereRDoes() throws {
        let r = try CLI.run(["fit", CLI.fixture("reference/edge_exact.csv"), "--formula", Self.cases[1].formula])
        #expect(r.status == 0)
        #expect(r.stdout.contains("ALL 3 residuals are 0: no residual degrees of freedom!"))
        #expect(r.stdout.range(of: #"imd_score\s+\S+\s+NaN\s+NaN\s+NaN"#, options: .regularExpression) != nil, "\(r.stdout)")
        #expect(r.stdout.contains("Residual standard error: NaN on 0 degrees of freedom"))
        #expect(r.stdout.contains("Adjusted R-squared:  NaN"))
        #expect(r.stdout.contains("F-statistic: NaN on 2 and 0 DF,  p-value: NA"))
        let h = try CLI.run(["fit", CLI.fixture("councils/asc_2018_19.csv"), "--formula", Self.cases[0].formula, "--se", "HC3"])
        #expect(h.stdout.range(of: #"imd_score\s+\S+\s+NaN\s+NaN\s+NaN"#, options: .regularExpression) != nil)
        #expect(h.stdout.contains("Wald F (HC3): NaN on"))
    }

    /// The residual table at leverage 1: R's NaN is an empty cell, R's 0 dfbetas are 0, and
    /// every other row equals R's to 1e-9 (absolutely 1e-16 × the column's largest value for
    /// numbers near zero).
    @Test func residualTableAtLeverageOneMatchesR() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/res.csv"
        let run = try CLI.run(["fit", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--formula", Self.cases[0].formula,
                               "--residuals", out])
        #expect(run.status == 0)
        let got = try CSVReader.read(path: out)
        let ref = try Self.reference("edge_leverage1_residuals.csv")
        for name in ref.header.dropFirst() {
            let gj = got.header.firstIndex(of: name)!, rj = ref.header.firstIndex(of: name)!
            let want = ref.rows.map { Self.r($0[rj]) }
            let scale = want.filter(\.isFinite).map(abs).max() ?? 0
            for (i, row) in got.rows.enumerated() {
                #expect(row[0] == ref.rows[i][0])
                let value = row[gj].isEmpty ? Double.nan : Double(row[gj])!
                #expect(Self.agrees(value, want[i]) || abs(value - want[i]) <= scale * 1e-16,
                        "row \(row[0]) \(name): \(row[gj]) vs R \(ref.rows[i][rj])")
            }
        }
        let leverageOne = got.rows.first { $0[0] == "E10000023" }!
        #expect(leverageOne.last == "leverage 1: the fit passes through this row")
    }

    /// R warns of a perfect fit only below its threshold, σ̂² < (mean(ŷ)² + var(ŷ))·1e-30. A fit
    /// with noise of 1e-11 (σ̂² ≈ 3e-22, far above that) gets no warning from R
    /// (fixtures/reference/edge_near_perfect.csv, written and checked by R: no warning), nor from Varex.
    @Test func aNearPerfectFitAboveRsThresholdIsNotWarned() throws {
        let r = try CLI.run(["fit", CLI.fixture("reference/edge_near_perfect.csv"), "--formula", "y ~ x", "--json", "-"])
        #expect(r.status == 0)
        #expect(!r.stderr.contains("warning"), "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect((obj["warnings"] as? [String]) == [])
    }
}
