import Foundation
import Testing
import Varex

/// `varex value` through the binary on the council CSV: its point estimates and ranks as the
/// numpy reference (`fixtures/reference/make_value_reference.py`), the same bytes on one core as
/// on two for a seed, the HTML page's picture, and bad input refused in one line with nothing
/// written.
struct ValueCLITests {
    static let base = ["value", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                       "--spend", "asc_net_spend_per_adult_gbp", "--need", "I(pop_65p/pop_18p) + imd_score + council_type",
                       "--measure", "ascof_1a:+", "--measure", "ascof_1j:+", "--measure", "ascof_3a:+", "--measure", "ascof_2a2:-",
                       "--measure", "ascof_1c1a:+", "--measure", "ascof_2b1:+", "--weight", "ascof_1a=2"]

    @Test func councilViewAgreesWithTheReferenceOnAnyCoreCount() throws {
        let dir = try CLI.temporaryDirectory()
        let (all, one, same, out) = try CLI.onAllCoresAndOne(Self.base + ["--draws", "300", "--seed", "5", "--report", dir + "/v.html"], in: dir)
        #expect(all.status == 0 && one.status == 0, "\(all.stderr) \(one.stderr)")
        #expect(same)
        #expect(all.stdout.contains("Value view: 152 units"))
        #expect(all.stdout.contains("ascof_2a2 (rate ascof_2a2_num/ascof_2a2_den × 100000)"))
        let got = try CLI.records(out)
        let want = try CLI.records(CLI.fixture("reference/value_reference.csv"))
        #expect(got.count == 152 && want.count == 152)
        for (g, w) in zip(got, want) {
            #expect(g["code"] == w["code"])
            for c in ["outcome_index", "adjusted_spend", "adjusted_outcome"] {
                #expect(CLI.close(Double(g[c]!)!, Double(w[c]!)!, rel: 1e-10, abs: 1e-12), "\(w["code"]!) \(c)")
            }
            for c in ["quadrant", "spend_rank", "outcome_rank"] { #expect(g[c] == w[c], "\(w["code"]!) \(c)") }
            // The draws' intervals hold the point, and the rank intervals the rank, nearly always.
            let s = Double(g["adjusted_spend"]!)!, lo = Double(g["adjusted_spend_low"]!)!, hi = Double(g["adjusted_spend_high"]!)!
            #expect(lo < s && s < hi, "\(w["code"]!)")
        }
        let page = try String(contentsOfFile: dir + "/v.html", encoding: .utf8)
        #expect(page.contains("id=\"chart-value\""))
        #expect(page.contains("ASC net spend per adult (£), adjusted to average need"))
        for q in ["low spend, good outcome", "high spend, poor outcome"] { #expect(page.contains(">\(q)</text>")) }
        #expect(page.components(separatedBy: "class=\"vp ").count - 1 == 152)
        #expect(page.contains("ascof_1a: margin of error ascof_1a_moe"))
    }

    /// A measure present without its margin of error is treated as exact in that row, and noted.
    @Test func aMissingMarginOfErrorIsNoted() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("id,s,n,m,m_moe\na,10,1,50,3\nb,12,2,55,\nc,9,3,52,4\nd,14,4,60,2\ne,11,2,49,5\nf,13,5,58,3\n", named: "d.csv", in: dir)
        let r = try CLI.run(["value", data, "--id", "id", "--spend", "s", "--need", "n", "--measure", "m:+", "--draws", "50", "--out", dir + "/v.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try CLI.records(dir + "/v.csv")
        #expect(rows.count == 6)
        #expect(rows[1]["note"] == "treated as exact (no error columns): m")
        #expect(rows.filter { $0["note"] != "" }.count == 1)
    }

    /// A bad input: the data, the extra flags and the message (the same shape as DEA's).
    typealias Bad = EfficiencyCLITests.Bad

    static let good = "id,s,n,m,m_moe,k_num,k_den,k\na,10,1,50,3,4,10,40\nb,12,2,55,2,5,10,50\nc,9,3,52,4,6,10,60\nd,14,4,60,2,3,10,30\ne,11,2,49,5,7,10,70\nf,13,5,58,3,2,10,20\n"
    static let bad: [Bad] = [
        Bad(name: "negative margin of error", csv: good.replacingOccurrences(of: "52,4,", with: "52,-4,"), extra: [],
            message: "row 3 (line 4), column 'm_moe': a margin of error must be zero or positive"),
        Bad(name: "zero denominator", csv: good.replacingOccurrences(of: "4,10,40", with: "4,0,40"), extra: ["--measure", "k:+"],
            message: "row 1 (line 2), column 'k_den': a denominator must be positive"),
        Bad(name: "text in the margin of error", csv: good.replacingOccurrences(of: "55,2,", with: "55,two,"), extra: [],
            message: "row 2 (line 3), column 'm_moe'"),
        Bad(name: "counts for no measure", csv: good, extra: ["--counts", "q=k_num/k_den"], message: "error columns are given for 'q', which is not a measure"),
        Bad(name: "counts written wrongly", csv: good, extra: ["--counts", "m=k_num"], message: "write it as MEASURE=NUM/DEN"),
        Bad(name: "constant spend", csv: good.replacingOccurrences(of: ",12,", with: ",10,").replacingOccurrences(of: ",9,", with: ",10,")
            .replacingOccurrences(of: ",14,", with: ",10,").replacingOccurrences(of: ",11,", with: ",10,").replacingOccurrences(of: ",13,", with: ",10,"),
            extra: [], message: "spend takes the same value for every unit"),
        Bad(name: "too few units", csv: good, extra: ["--subset", "n < 3"], message: "needs at least 4 units"),
        Bad(name: "errors with none", csv: good, extra: ["--sampling-error", "none", "--moe", "m=m_moe"], message: "leave them out with --sampling-error none"),
    ]

    @Test(arguments: bad)
    func badInputFailsInOneLine(_ c: Bad) throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(c.csv, named: "d.csv", in: dir)
        let r = try CLI.run(["value", data, "--id", "id", "--spend", "s", "--need", "n", "--measure", "m:+", "--draws", "20",
                             "--out", dir + "/out.csv", "--report", dir + "/out.html"] + c.extra)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains(c.message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out.csv") && !FileManager.default.fileExists(atPath: dir + "/out.html"))
    }
}
