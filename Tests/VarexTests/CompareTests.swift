import Foundation
import Testing
@testable import Varex

/// Funnel limits, overdispersion and shrinkage against R computations written from the published
/// formulas (fixtures/reference/make_reference.R) on the real ASCOF survey measures, to 1e-9.
struct CompareTests {
    static let councils = Fixtures.path("councils/asc_2018_19.csv")

    struct FunnelCase: CustomTestStringConvertible, Sendable {
        let name: String
        let request: FunnelRequest
        var testDescription: String { name }
    }

    static let funnels: [FunnelCase] = [
        FunnelCase(name: "funnel_ascof_3a", request: FunnelRequest(indicator: "ascof_3a", denominator: "ascof_3a_base", kind: .proportion(scale: 100))),
        FunnelCase(name: "funnel_ascof_1a", request: FunnelRequest(indicator: "ascof_1a", marginOfError: "ascof_1a_moe")),
        FunnelCase(name: "funnel_ascof_2a2", request: FunnelRequest(indicator: "ascof_2a2", denominator: "ascof_2a2_den", kind: .rate(per: 100_000))),
    ]

    @Test(arguments: funnels)
    func funnelMatchesR(_ c: FunnelCase) throws {
        let table = try Table(contentsOf: Self.councils)
        var stats: [String: Double] = [:]
        for row in try Fixtures.csv("reference/\(c.name)_stats.csv").rows { stats[row[0]] = rNumber(row[1]) }
        let ref = try Fixtures.csv("reference/\(c.name).csv")
        let col = { (n: String) in ref.header.firstIndex(of: n)! }
        for method in Overdispersion.allCases {
            var request = c.request
            request.overdispersion = method
            let f = try FunnelAnalysis(table: table, request: request)
            let p = f.plot
            #expect(close(p.target, stats["target"]!, rel: 1e-9), "\(c.name) target")
            #expect(close(p.phi, stats["phi"]!, rel: 1e-9), "\(c.name) phi \(p.phi) vs \(stats["phi"]!)")
            #expect(close(p.tau2, stats["tau2"]!, rel: 1e-9), "\(c.name) tau2")
            #expect(f.rows.map { table.columns[0].cells[$0] } == ref.rows.map { $0[0] })
            for (k, row) in ref.rows.enumerated() {
                #expect(close(p.standardErrors[k], rNumber(row[col("se")]), rel: 1e-9))
                #expect(close(p.z[k], rNumber(row[col("z")]), rel: 1e-9, abs: 1e-12))
                #expect(close(p.adjustedZ[k], rNumber(row[col("z_adjusted_\(method.rawValue)")]), rel: 1e-9, abs: 1e-12))
                for (l, level) in [95.0, 99.8].enumerated() {
                    let suffix = "\(method.rawValue)_\(NumberFormat.roundTrip(level))"
                    #expect(close(p.limits[l][k].low, rNumber(row[col("low_\(suffix)")]), rel: 1e-9, abs: 1e-9 * abs(p.target)))
                    #expect(close(p.limits[l][k].high, rNumber(row[col("high_\(suffix)")]), rel: 1e-9))
                }
            }
        }
    }

    @Test func shrinkageMatchesR() throws {
        let table = try Table(contentsOf: Self.councils)
        let s = try ShrinkageAnalysis(table: table, request: ShrinkageRequest(estimate: "ascof_1a", variance: .marginOfError("ascof_1a_moe")))
        var stats: [String: Double] = [:]
        for row in try Fixtures.csv("reference/shrinkage_ascof_1a_stats.csv").rows { stats[row[0]] = rNumber(row[1]) }
        #expect(close(s.shrinkage.mean, stats["mean"]!, rel: 1e-9))
        #expect(close(s.shrinkage.tau2, stats["tau2"]!, rel: 1e-9))
        #expect(close(s.shrinkage.q, stats["Q"]!, rel: 1e-9))
        for (k, row) in try Fixtures.csv("reference/shrinkage_ascof_1a.csv").rows.enumerated() {
            #expect(close(s.shrinkage.shrunken[k], rNumber(row[1]), rel: 1e-9))
            #expect(close(s.shrinkage.posteriorSD[k], rNumber(row[2]), rel: 1e-9))
        }
        // Noisier councils move further towards the mean.
        let b = s.shrinkage.shrinkageFactor, v = s.shrinkage.variances
        let noisiest = v.indices.max { v[$0] < v[$1] }!, quietest = v.indices.min { v[$0] < v[$1] }!
        #expect(b[noisiest] > b[quietest])
    }

    @Test func shrinkageWithAFixedMeanByHand() {
        // Estimates ±2 with variance 1: Q = Σ (y − 0)²/1 = 8 over k = 2, τ² = (8 − 2)/2 = 3, B = 1/4.
        let s = Shrinkage(estimates: [2, -2], variances: [1, 1], fixedMean: 0)
        #expect(s.tau2 == 3 && s.shrunken == [1.5, -1.5])
        #expect(abs(s.posteriorSD[0] - (3.0 / 4).squareRoot()) < 1e-15)
    }

    @Test func peersByHand() throws {
        let csv = "id,a,b,v\nA,0,0,10\nB,1,0,20\nC,0,1,30\nD,5,5,40\nE,,1,50\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
        let p = try Peers(table: t, variables: ["a", "b"], count: 2)
        #expect(p.peers[0] == [1, 2], "A's nearest are B and C (equal distances: earlier first)")
        #expect(p.peers[3].first == 1 || p.peers[3].first == 2)
        #expect(p.peers[4].isEmpty && p.notes[4] == "no peers: missing a")
        let out = p.compare(values: [10, 20, 30, 40, 50], ids: ["A", "B", "C", "D", "E"], idName: "id", labels: nil, labelName: nil)
        #expect(out.rows[0][2] == .number(25) && out.rows[0][3] == .number(-15) && out.rows[0][4] == .integer(3))
        let pairs = Table(records: try CSVReader.parse(Array("code,neighbour_code\nA,D\nA,E\nB,A\n".utf8), file: "n.csv"), source: "n.csv")
        let listed = try Peers(ids: ["A", "B", "C", "D", "E"], pairs: pairs)
        #expect(listed.peers[0] == [3, 4] && listed.peers[1] == [0] && listed.notes[2] == "no peers listed")
    }

    @Test func groupSwitchingRanges() throws {
        let a = try ExplainTests.councils()
        let cols = Sensitivity.groups(a)
        #expect(cols.names.count == 2 + 8)
        #expect(cols.names.contains("rank_justified_need+type") && cols.names.contains("rank_justified_none"))
        // The assignment the analysis used (need, type justified; practice not) reproduces its ranks.
        let k = cols.names.firstIndex(of: "rank_justified_need+type")!
        let rankColumn = a.output.header.firstIndex(of: "rank")!
        for r in a.fit.design.rows {
            #expect(cols.cells[k][r] == a.output.rows[r][rankColumn])
            if case let .integer(lo) = cols.cells[0][r], case let .integer(hi) = cols.cells[1][r], case let .integer(x) = cols.cells[k][r] {
                #expect(lo <= x && x <= hi)
            }
        }
    }

    @Test func indexSensitivityIsReproducibleAndBracketsTheBaseRank() throws {
        let t = try Table(contentsOf: Self.councils)
        let m = try ["ascof_1a:+", "ascof_3a:+", "ascof_2a2:-"].map(Measure.parse)
        let one = try Sensitivity.index(table: t, measures: m, weights: [:], normalisation: .z, draws: 200, spread: 0.3, seed: 9)
        let two = try Sensitivity.index(table: t, measures: m, weights: [:], normalisation: .z, draws: 200, spread: 0.3, seed: 9)
        #expect(one.cells == two.cells)
        for i in 0..<t.rowCount {
            if case let .integer(r) = one.cells[0][i], case let .integer(lo) = one.cells[1][i], case let .integer(hi) = one.cells[2][i] {
                #expect(lo <= r && r <= hi)
            }
        }
        #expect(one.names == ["rank", "rank_min", "rank_max", "rank_weights_low", "rank_weights_high", "rank_z", "rank_minmax", "rank_rank"])
    }
}
