import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// DEA against an independent formulation of the same programmes solved by scipy's linprog
/// (HiGHS), `fixtures/reference/make_dea_reference.py`: scores, slacks, peers with their λ and
/// super-efficiency to 1e-8 (slacks relative to the unit's own value), on Coelli's DEAP
/// examples (whose published three-decimal scores are checked too) and on the council data in
/// five settings (every orientation, every returns to scale, a need and a fixed input). And the
/// Simar–Wilson bootstrap against the reference implementation fed the same draws.
struct DEATests {
    struct Case {
        let orientation: DEAOrientation
        let returns: ReturnsToScale
        let fixed: [String]
        let needs: [String]
        let superEfficiency: Bool
    }

    static let councilCases: [String: Case] = [
        "input_variable_need": Case(orientation: .input, returns: .variable, fixed: [], needs: ["imd_score"], superEfficiency: true),
        "input_constant": Case(orientation: .input, returns: .constant, fixed: [], needs: [], superEfficiency: true),
        "output_variable": Case(orientation: .output, returns: .variable, fixed: [], needs: [], superEfficiency: true),
        "output_nonincreasing_need": Case(orientation: .output, returns: .nonIncreasing, fixed: [], needs: ["imd_score"], superEfficiency: false),
        "input_nondecreasing_fixed": Case(orientation: .input, returns: .nonDecreasing, fixed: ["ascof_1c1a"], needs: [], superEfficiency: false),
    ]
    static let councilOutputs = ["ascof_1a", "ascof_1b", "ascof_3a"]

    /// The council rows the reference used (every variable present) as DEA data.
    static func councilData(fixed: [String], needs: [String]) throws -> DEAData {
        let file = try Fixtures.csv("councils/asc_2018_19.csv")
        func col(_ name: String) -> Int { file.header.firstIndex(of: name)! }
        let used = ["asc_net_spend_per_adult_gbp", "imd_score", "ascof_1c1a"] + councilOutputs
        let rows = file.rows.filter { r in used.allSatisfy { !r[col($0)].trimmingCharacters(in: .whitespaces).isEmpty } }
        func values(_ names: [String]) -> [String: [Double]] {
            Dictionary(uniqueKeysWithValues: names.map { n in (n, rows.map { Double($0[col(n)])! }) })
        }
        return try DEAData(units: rows.map { $0[col("code")] },
                           inputs: values(["asc_net_spend_per_adult_gbp"]), inputNames: ["asc_net_spend_per_adult_gbp"],
                           outputs: values(councilOutputs), outputNames: councilOutputs,
                           fixedInputs: values(fixed), fixedInputNames: fixed, needs: values(needs), needNames: needs)
    }

    /// The reference rows of one case, in unit order.
    static func reference(_ file: String, _ name: String) throws -> [[String]] {
        try Fixtures.csv("reference/\(file)").rows.filter { $0[0] == name }
    }

    /// Every column of `dea` against the reference rows.
    func compare(_ dea: DEA, _ rows: [[String]], checkSuper: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(rows.count == dea.data.count, "units", sourceLocation: sourceLocation)
        let index = Dictionary(uniqueKeysWithValues: dea.data.units.enumerated().map { ($0.element, $0.offset) })
        for (o, row) in paired(0..<dea.data.count, rows) {
            let unit = dea.data.units[o]
            #expect(row[1] == unit, sourceLocation: sourceLocation)
            #expect(abs(dea.score[o] - Double(row[2])!) <= 1e-8, "score of \(unit): \(dea.score[o]) against \(row[2])", sourceLocation: sourceLocation)
            let sIn = row[3].split(separator: ";").map { Double($0)! }, sOut = row[4].split(separator: ";").map { Double($0)! }
            for (i, (got, want)) in paired(dea.inputSlacks[o], sIn).enumerated() {
                #expect(abs(got - want) <= 1e-8 * max(1, dea.data.inputs[o][i]), "input slack \(i) of \(unit): \(got) against \(want)", sourceLocation: sourceLocation)
            }
            for (r, (got, want)) in paired(dea.outputSlacks[o], sOut).enumerated() {
                #expect(abs(got - want) <= 1e-8 * max(1, dea.data.outputs[o][r]), "output slack \(r) of \(unit): \(got) against \(want)", sourceLocation: sourceLocation)
            }
            let peers = row[5].split(separator: ";").map { p -> (Int, Double) in
                let parts = p.split(separator: ":")
                return (index[String(parts[0])]!, Double(parts[1])!)
            }
            #expect(dea.peers[o].map(\.unit) == peers.map(\.0), "peers of \(unit)", sourceLocation: sourceLocation)
            for (got, want) in paired(dea.peers[o], peers) {
                #expect(abs(got.weight - want.1) <= 1e-8, "λ of \(dea.data.units[got.unit]) for \(unit): \(got.weight) against \(want.1)", sourceLocation: sourceLocation)
            }
            if checkSuper, let sup = dea.superEfficiency {
                if row[6] == "NA" {
                    #expect(sup[o] == nil, "super-efficiency of \(unit) should be infeasible", sourceLocation: sourceLocation)
                } else {
                    #expect(sup[o].map { abs($0 - Double(row[6])!) <= 1e-8 } == true, "super-efficiency of \(unit): \(String(describing: sup[o])) against \(row[6])", sourceLocation: sourceLocation)
                }
            }
        }
    }

    @Test(arguments: ["input_variable_need", "input_constant", "output_variable", "output_nonincreasing_need", "input_nondecreasing_fixed"])
    func councilsAgreeWithHiGHS(_ name: String) throws {
        let c = Self.councilCases[name]!
        let data = try Self.councilData(fixed: c.fixed, needs: c.needs)
        let dea = try DEA(data, model: DEAModel(orientation: c.orientation, returns: c.returns), superEfficiency: c.superEfficiency)
        compare(dea, try Self.reference("dea_councils.csv", name), checkSuper: c.superEfficiency)
    }

    /// Coelli (1996), DEAP 2.1, examples 1 and 2: against HiGHS to 1e-8 and against the
    /// published scores to their three decimals.
    @Test func coelliExamples() throws {
        let units = ["1", "2", "3", "4", "5"]
        let ex1 = try DEAData(units: units, inputs: ["x1": [2, 2, 6, 3, 6], "x2": [5, 4, 6, 2, 2]], inputNames: ["x1", "x2"],
                              outputs: ["y": [1, 2, 3, 1, 2]], outputNames: ["y"])
        let ex2 = try DEAData(units: units, inputs: ["x": [2, 4, 3, 5, 6]], inputNames: ["x"],
                              outputs: ["y": [1, 2, 3, 4, 5]], outputNames: ["y"])
        let cases: [(String, DEAData, DEAModel, [Double])] = [
            ("ex1_input_constant", ex1, DEAModel(orientation: .input, returns: .constant), [0.500, 1.000, 0.833, 0.714, 1.000]),
            ("ex2_input_constant", ex2, DEAModel(orientation: .input, returns: .constant), [0.500, 0.500, 1.000, 0.800, 0.833]),
            ("ex2_input_variable", ex2, DEAModel(orientation: .input, returns: .variable), [1.000, 0.625, 1.000, 0.900, 1.000]),
            ("ex2_output_variable", ex2, DEAModel(orientation: .output, returns: .variable), []),
        ]
        for (name, data, model, published) in cases {
            let dea = try DEA(data, model: model)
            compare(dea, try Self.reference("dea_textbook.csv", name), checkSuper: false)
            for (got, want) in published.isEmpty ? [] : Array(paired(dea.efficiency, published)) {
                #expect(abs(got - want) <= 5e-4, "\(name): \(got) against the published \(want)")
            }
        }
        // Firm 1 of example 1: radial contraction to 0.5 leaves 0.5 of input 2 (DEAP's slack).
        let dea = try DEA(ex1, model: DEAModel(orientation: .input, returns: .constant))
        #expect(abs(dea.inputSlacks[0][1] - 0.5) <= 1e-9)
        #expect(abs(dea.inputTargets[0][0] - 1) <= 1e-9 && abs(dea.inputTargets[0][1] - 2) <= 1e-9)
    }

    /// The bootstrap fed the reference's own draws gives the reference's bandwidth, bias,
    /// variance, corrected scores and intervals (input orientation, variable returns, a need).
    @Test func simarWilsonAgreesWithTheReferenceGivenItsDraws() throws {
        let data = try Self.councilData(fixed: [], needs: ["imd_score"])
        let dea = try DEA(data, model: DEAModel(orientation: .input, returns: .variable))
        let drawRows = try Fixtures.csv("reference/dea_bootstrap_draws.csv").rows
        let replicates = Int(drawRows.last![0])!
        #expect(drawRows.count == replicates * data.count)
        var draws = [[SmoothedDraw]](repeating: [], count: replicates)
        for r in drawRows { draws[Int(r[0])! - 1].append(SmoothedDraw(index: Int(r[2])!, normal: Double(r[3])!)) }
        let boot = try SimarWilsonBootstrap(dea, draws: draws)
        let want = try Fixtures.csv("reference/dea_bootstrap.csv").rows
        #expect(want.count == data.count)
        #expect(close(boot.bandwidth, Double(want[0][1])!, rel: 1e-10))
        for (o, row) in paired(0..<data.count, want) {
            #expect(row[0] == data.units[o])
            #expect(abs(dea.efficiency[o] - Double(row[2])!) <= 1e-8)
            #expect(abs(boot.bias[o] - Double(row[3])!) <= 1e-8, "bias of \(row[0])")
            #expect(close(boot.variance[o], Double(row[4])!, rel: 1e-6, abs: 1e-12), "variance of \(row[0])")
            #expect(abs(boot.corrected[o] - Double(row[5])!) <= 1e-8, "corrected score of \(row[0])")
            #expect(abs(boot.low[o] - Double(row[6])!) <= 1e-8, "lower bound of \(row[0])")
            #expect(abs(boot.high[o] - Double(row[7])!) <= 1e-8, "upper bound of \(row[0])")
        }
        // The ranks of the corrected distances and of each replicate's 2δ − δ*, exactly.
        let ranks = try Fixtures.csv("reference/dea_bootstrap_ranks.csv").rows
        #expect(ranks.count == data.count)
        for (o, row) in paired(0..<data.count, ranks) {
            #expect(row[0] == data.units[o])
            #expect(boot.correctedRank[o] == Int(row[1])!, "corrected rank of \(row[0])")
            #expect(boot.rankMedian[o] == Double(row[2])!, "median rank of \(row[0])")
            #expect(boot.rankLow[o] == Int(row[3])! && boot.rankHigh[o] == Int(row[4])!, "rank interval of \(row[0])")
        }
    }

    /// Where the slacks' weights decide the peers: O = (input 2; outputs 4, 60) against P1 =
    /// (1; 10, 200) and P2 = (1; 20, 100), variable returns. θ = 1/2 (the peers' input is 1 and
    /// Σλ = 1, so no input slack is left); with λ₁ on P1 the output slacks are s₁ = 16 − 10λ₁ and
    /// s₂ = 40 + 100λ₁. Their plain sum grows with
    /// λ₁ (P1 the peer), but as shares of O's own values, s₁/4 + s₂/60 = 4.667 − 0.833λ₁, it falls
    /// (P2 the peer, slacks 16 and 40): worked by hand, the phase-2 objective Varex states.
    @Test func slackSharesChooseThePeers() throws {
        let data = try DEAData(units: ["O", "P1", "P2"], inputs: ["x": [2, 1, 1]], inputNames: ["x"],
                               outputs: ["y1": [4, 10, 20], "y2": [60, 200, 100]], outputNames: ["y1", "y2"])
        let dea = try DEA(data, model: DEAModel(orientation: .input, returns: .variable))
        #expect(abs(dea.efficiency[0] - 0.5) < 1e-12)
        #expect(dea.peers[0].map(\.unit) == [2])
        #expect(abs(dea.peers[0][0].weight - 1) < 1e-9)
        #expect(abs(dea.outputSlacks[0][0] - 16) < 1e-8 && abs(dea.outputSlacks[0][1] - 40) < 1e-8)
    }

    /// With the outputs' sampling error (ASCOF 1A, 1B and 3A's margins of error): fed the
    /// reference's smoothing draws and drawn outputs (`make_dea_measured_reference.py`), each
    /// council's bias, corrected score and interval to 1e-8 and its ranks exactly.
    @Test func measuredBootstrapAgreesWithTheReferenceGivenItsDraws() throws {
        let data = try Self.councilData(fixed: [], needs: ["imd_score"])
        let dea = try DEA(data, model: DEAModel(orientation: .input, returns: .variable))
        let rows = try Fixtures.csv("reference/dea_measured_draws.csv").rows
        let replicates = Int(rows.last![0])!, n = data.count
        #expect(rows.count == replicates * n)
        var draws = [[SmoothedDraw]](repeating: [], count: replicates)
        var outputs = [[[Double]]](repeating: [], count: replicates)
        for r in rows {
            let b = Int(r[0])! - 1
            draws[b].append(SmoothedDraw(index: Int(r[2])!, normal: Double(r[3])!))
            outputs[b].append(r[4...].map { Double($0)! })
        }
        let boot = try SimarWilsonBootstrap(dea, draws: draws, outputs: outputs)
        let want = try Fixtures.csv("reference/dea_measured.csv").rows
        #expect(want.count == n)
        #expect(close(boot.bandwidth, Double(want[0][1])!, rel: 1e-10))
        for (o, row) in paired(0..<n, want) {
            #expect(row[0] == data.units[o])
            #expect(abs(boot.bias[o] - Double(row[3])!) <= 1e-8, "bias of \(row[0])")
            #expect(abs(boot.corrected[o] - Double(row[4])!) <= 1e-8, "corrected score of \(row[0])")
            #expect(abs(boot.low[o] - Double(row[5])!) <= 1e-8 && abs(boot.high[o] - Double(row[6])!) <= 1e-8, "interval of \(row[0])")
            #expect(boot.correctedRank[o] == Int(row[7])! && boot.rankMedian[o] == Double(row[8])!, "ranks of \(row[0])")
            #expect(boot.rankLow[o] == Int(row[9])! && boot.rankHigh[o] == Int(row[10])!, "rank interval of \(row[0])")
        }
    }

    /// Varex's own draws of the outputs widen the intervals: the measurement's error adds to the
    /// frontier's.
    @Test func samplingErrorWidensTheBootstrapIntervals() throws {
        var request = EfficiencyRequest(inputs: ["asc_net_spend_per_adult_gbp"], outputs: Self.councilOutputs, needs: ["imd_score"],
                                        model: DEAModel(orientation: .input, returns: .variable), replicates: 100, seed: 5)
        let table = try Table(contentsOf: Fixtures.path("councils/asc_2018_19.csv"))
        let ids = try table.ids(column: "code")
        let exact = try EfficiencyAnalysis(table: table, request: request, ids: ids)
        request.samplingError = .auto
        let measured = try EfficiencyAnalysis(table: table, request: request, ids: ids)
        #expect(measured.errorSources.map(\.description) == ["margin of error ascof_1a_moe", "margin of error ascof_1b_moe", "margin of error ascof_3a_moe"])
        func width(_ a: EfficiencyAnalysis) -> Double {
            let b = a.bootstrap!
            return FitSummary.quantiles(zip(b.rankHigh, b.rankLow).map { Double($0 - $1) }, [0.5])[0]
        }
        #expect(width(measured) > width(exact) + 5, "\(width(measured)) against \(width(exact))")
        request.replicates = 0
        #expect(throws: FrontierError.self) { try EfficiencyAnalysis(table: table, request: request, ids: ids) }
    }

    /// A seeded bootstrap is a function of the seed: every unit's corrected score lies below its
    /// DEA score (the frontier is estimated from inside), within its interval.
    @Test func seededBootstrapBracketsTheCorrectedScore() throws {
        let data = try Self.councilData(fixed: [], needs: ["imd_score"])
        let dea = try DEA(data, model: DEAModel(orientation: .input, returns: .variable))
        let boot = try SimarWilsonBootstrap(dea, replicates: 200, seed: 11)
        #expect(boot.corrected.count == data.count)
        for o in 0..<data.count {
            #expect(boot.corrected[o] < dea.efficiency[o])
            #expect(boot.low[o] <= boot.corrected[o] + 1e-12 && boot.corrected[o] <= boot.high[o] + 0.05)
            #expect(boot.high[o] <= dea.efficiency[o] + 1e-12)
        }
    }

    @Test func badDataIsNamed() throws {
        #expect(throws: FrontierError.notPositive(variable: "x", unit: "b", value: 0, location: nil)) {
            try DEAData(units: ["a", "b", "c"], inputs: ["x": [1, 0, 2]], inputNames: ["x"], outputs: ["y": [1, 2, 3]], outputNames: ["y"])
        }
        #expect(throws: FrontierError.constantVariable("y")) {
            try DEAData(units: ["a", "b", "c"], inputs: ["x": [1, 3, 2]], inputNames: ["x"], outputs: ["y": [2, 2, 2]], outputNames: ["y"])
        }
        #expect(throws: FrontierError.notPositive(variable: "y", unit: "a", value: -1, location: nil)) {
            try DEAData(units: ["a", "b", "c"], inputs: ["x": [1, 3, 2]], inputNames: ["x"], outputs: ["y": [-1, 2, 3]], outputNames: ["y"])
        }
    }
}
