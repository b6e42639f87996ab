import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

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

    /// Less spread than sampling explains (Q < k − 1): DerSimonian–Laird's τ² is 0, not negative,
    /// so every estimate shrinks fully to the fixed-effect mean with no posterior spread.
    /// Estimates 10, 11, 10, 11 with variance 4: mean 10.5, Q = 4 · 0.25/4 = 0.25 < 3.
    @Test func shrinkageWithLessSpreadThanChanceHasNoBetweenVariance() {
        let s = Shrinkage(estimates: [10, 11, 10, 11], variances: [4, 4, 4, 4])
        #expect(s.tau2 == 0)
        #expect(abs(s.q - 0.25) < 1e-15)
        #expect(s.shrunken.allSatisfy { abs($0 - 10.5) < 1e-14 }, "\(s.shrunken)")
        #expect(s.posteriorSD.allSatisfy { $0 == 0 })
    }

    /// The same for a funnel plot: z-scores ±0.1 give φ = 0.01 < 1, so τ² = 0, the additive limits
    /// are the unadjusted target ± z·s, and the multiplicative ones are not narrowed (× √max(φ, 1)).
    @Test func funnelWithLessSpreadThanChanceKeepsTheSamplingLimits() {
        let f = FunnelPlot(values: [49, 51, 49, 51, 49, 51], precision: .standardError([10, 10, 10, 10, 10, 10]),
                           overdispersion: .additive, levels: [0.95])
        #expect(abs(f.target - 50) < 1e-13 && f.tau2 == 0 && abs(f.phi - 0.01) < 1e-15, "target \(f.target), τ² \(f.tau2), φ \(f.phi)")
        for k in 0..<6 {
            #expect(abs(f.limits[0][k].low - (50 - 1.959963984540054 * 10)) < 1e-12)
            #expect(abs(f.limits[0][k].high - (50 + 1.959963984540054 * 10)) < 1e-12)
        }
        let m = FunnelPlot(values: [49, 51, 49, 51, 49, 51], precision: .standardError([10, 10, 10, 10, 10, 10]),
                           overdispersion: .multiplicative, levels: [0.95])
        #expect(abs(m.limits[0][0].high - (50 + 1.959963984540054 * 10)) < 1e-12)
    }

    @Test func peersByHand() throws {
        let csv = "id,a,b,v\nA,0,0,10\nB,1,0,20\nC,0,1,30\nD,5,5,40\nE,,1,50\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
        let p = try Peers(table: t, variables: ["a", "b"], count: 2)
        #expect(p.peers[0] == [1, 2], "A's nearest are B and C (equal distances: earlier first)")
        #expect(p.peers[3].first == 1 || p.peers[3].first == 2)
        #expect(p.peers[4].isEmpty && p.notes[4] == "no peers: missing a")
        let out = p.compare(values: [10, 20, 30, 40, 50], ids: RowIDs(["A", "B", "C", "D", "E"]), idName: "id", labels: nil, labelName: nil)
        #expect(out.rows[0][2] == .number(25) && out.rows[0][3] == .number(-15) && out.rows[0][4] == .integer(3))
        let pairs = Table(records: try CSVReader.parse(Array("code,neighbour_code\nA,D\nA,E\nB,A\n".utf8), file: "n.csv"), source: "n.csv")
        let listed = try Peers(ids: ["A", "B", "C", "D", "E"], pairs: pairs)
        #expect(listed.peers[0] == [3, 4] && listed.peers[1] == [0] && listed.notes[2] == "no peers listed")
    }

    /// Every justified/unjustified assignment of the three groups, against ranks computed here
    /// from R's `predict(type = "terms")` (fixtures/reference/explain_terms.csv): unjustified =
    /// observed − (baseline + the justified groups' effects), rank 1 the largest.
    @Test func groupSwitchingRanksEqualRanksFromR() throws {
        let a = try ExplainTests.councils()
        let cols = SensitivityTable.groups(a)
        let ref = try Fixtures.csv("reference/explain_terms.csv")
        let observed = a.fit.design.y.map { Double($0) }
        let names = ["need", "type", "practice"]
        for mask in 0..<8 {
            let chosen = names.indices.filter { mask & (1 << $0) != 0 }.map { names[$0] }
            let column = cols.names.firstIndex(of: "rank_justified_" + (chosen.isEmpty ? "none" : chosen.joined(separator: "+")))!
            let unjustified = ref.rows.enumerated().map { i, row -> Double in
                observed[i] - (rNumber(row[1]) + names.indices.filter { mask & (1 << $0) != 0 }.reduce(0) { $0 + rNumber(row[2 + $1]) })
            }
            for (i, r) in a.fit.design.rows.enumerated() {
                let rank = 1 + unjustified.filter { $0 > unjustified[i] }.count
                #expect(cols.cells[column][r] == .integer(rank), "mask \(mask) \(ref.rows[i][0])")
            }
        }
        // rank_min and rank_max are the extremes over the eight assignments.
        for r in a.fit.design.rows {
            let all = (2..<cols.names.count).compactMap { k -> Int? in if case let .integer(x) = cols.cells[k][r] { return x }; return nil }
            #expect(all.count == 8 && cols.cells[0][r] == .integer(all.min()!) && cols.cells[1][r] == .integer(all.max()!))
        }
    }

    /// The index under each normalisation, recomputed here from the data: z-scores with the
    /// sample SD, min-max, and average ranks, oriented by + and −, averaged over the measures a
    /// council has; the rank columns are competition ranks of those (1 = highest).
    @Test func indexNormalisationRanksByHand() throws {
        let t = try Table(contentsOf: Self.councils)
        let measures = [("ascof_1a", 1.0), ("ascof_3a", 1.0), ("ascof_2a2", -1.0)]
        let m = try ["ascof_1a:+", "ascof_3a:+", "ascof_2a2:-"].map(Measure.parse)
        let cols = SensitivityTable.index(try Sensitivity.index(table: t, measures: m, weights: [:], normalisation: .z, draws: 0, spread: 0.3, seed: 9))
        for (method, name) in [(Normalisation.z, "rank_z"), (.minmax, "rank_minmax"), (.rank, "rank_rank")] {
            var parts: [[Double]] = []
            for (column, sign) in measures {
                let c = try t.column(column)
                let x = (0..<t.rowCount).map { c.isMissing[$0] ? Double.nan : Double(c.values[$0]) }
                let present = x.filter { !$0.isNaN }
                let k = Double(present.count)
                let normalised: [Double]
                switch method {
                case .z:
                    let mean = present.reduce(0, +) / k
                    let sd = (present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (k - 1)).squareRoot()
                    normalised = x.map { sign * ($0 - mean) / sd }
                case .minmax:
                    let lo = present.min()!, hi = present.max()!
                    normalised = x.map { v in let u = (v - lo) / (hi - lo); return sign > 0 ? u : 1 - u }
                case .rank:
                    normalised = x.map { v in
                        guard !v.isNaN else { return .nan }
                        let below = Double(present.filter { $0 < v }.count), ties = Double(present.filter { $0 == v }.count)
                        let u = (below + (ties + 1) / 2 - 1) / (k - 1)
                        return sign > 0 ? u : 1 - u
                    }
                }
                parts.append(normalised)
            }
            let index = (0..<t.rowCount).map { i -> Double in
                let have = parts.map { $0[i] }.filter { !$0.isNaN }
                return have.isEmpty ? .nan : have.reduce(0, +) / Double(have.count)
            }
            let column = cols.names.firstIndex(of: name)!
            for i in 0..<t.rowCount where !index[i].isNaN {
                // Ties within rounding (1e-12) share a rank, as ranks of the same numbers would.
                let rank = 1 + index.filter { !$0.isNaN && $0 > index[i] + 1e-12 }.count
                #expect(cols.cells[column][i] == .integer(rank), "\(name) row \(i + 1)")
            }
        }
    }

    /// The random weights are Dirichlet(α), α = (w / Σw) / spread², so each weight's coefficient of
    /// variation is √((1 − p)/(p(1/spread² + 1))): checked on 20,000 draws to 3%.
    @Test func randomWeightsHaveTheStatedSpread() {
        let spread = 0.2
        let alpha = Sensitivity.dirichletConcentration(weights: [2, 1, 1], spread: spread)
        var rng = Xoshiro256(seed: 4)
        let draws = (0..<20_000).map { _ in rng.dirichlet(alpha) }
        for (k, p) in [0.5, 0.25, 0.25].enumerated() {
            let xs = draws.map { $0[k] }
            let mean = xs.reduce(0, +) / Double(xs.count)
            let sd = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)).squareRoot()
            let cv = ((1 - p) / (p * (1 / (spread * spread) + 1))).squareRoot()
            #expect(abs(mean - p) < 0.01 * p, "weight \(k) mean \(mean)")
            #expect(abs(sd / mean - cv) < 0.03 * cv, "weight \(k) CV \(sd / mean) vs \(cv)")
        }
    }

    @Test func indexSensitivityIsReproducibleAndBracketsTheBaseRank() throws {
        let t = try Table(contentsOf: Self.councils)
        let m = try ["ascof_1a:+", "ascof_3a:+", "ascof_2a2:-"].map(Measure.parse)
        let one = SensitivityTable.index(try Sensitivity.index(table: t, measures: m, weights: [:], normalisation: .z, draws: 200, spread: 0.3, seed: 9))
        let two = SensitivityTable.index(try Sensitivity.index(table: t, measures: m, weights: [:], normalisation: .z, draws: 200, spread: 0.3, seed: 9))
        #expect(one.cells == two.cells)
        for i in 0..<t.rowCount {
            if case let .integer(r) = one.cells[0][i], case let .integer(lo) = one.cells[1][i], case let .integer(hi) = one.cells[2][i] {
                #expect(lo <= r && r <= hi)
            }
        }
        #expect(one.names == ["rank", "rank_min", "rank_max", "rank_weights_low", "rank_weights_high", "rank_z", "rank_minmax", "rank_rank"])
    }
}
