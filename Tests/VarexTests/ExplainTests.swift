import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// `varex explain`: identities on the real council data, R's `predict(type = "terms")` and subset
/// R², a hand-checked pounds example, and the log retransformation.
struct ExplainTests {
    static let groups = [
        TermGroup(name: "need", justified: true, terms: ["I(100 * pop_65p/pop_18p)", "I(100 * pop_85p/pop_18p)", "imd_score", "pct_rural_2011"]),
        TermGroup(name: "type", justified: true, terms: ["council_type"]),
        TermGroup(name: "practice", justified: false, terms: ["ascof_2a2"]),
    ]

    static func councils(scale: String? = "pop_18p") throws -> ExplainAnalysis {
        try ExplainAnalysis(ExplainRequest(
            fit: FitRequest(dataPath: Fixtures.path("councils/asc_2018_19.csv"),
                            formula: "I(asc_gross_expenditure_k * 1000/pop_18p) ~ I(100 * pop_65p/pop_18p) + I(100 * pop_85p/pop_18p) + imd_score + pct_rural_2011 + council_type + ascof_2a2",
                            id: "code"),
            joins: [Fixtures.path("councils/gross_spend_2018_19.csv"), Fixtures.path("councils/rurality_2011.csv")],
            exclude: ["E09000001", "E06000053"], label: "name", groups: groups, scale: scale))
    }

    /// Identities, to 1e-10 relative (of the row's observed value).
    @Test func identitiesHoldOnRealData() throws {
        let a = try Self.councils()
        let d = a.decomposition
        #expect(d.observed.count == 150)
        let justified = d.justified, unjustified = d.unjustified
        for i in d.observed.indices {
            let effects = d.effects.reduce(0) { $0 + $1[i] }
            let scale = abs(d.observed[i])
            #expect(abs(d.baseline + effects - d.fitted[i]) <= 1e-10 * scale, "row \(i): effects sum to fitted − baseline")
            #expect(abs(justified[i] + unjustified[i] - d.observed[i]) <= 1e-10 * scale, "row \(i): justified + unjustified = observed")
        }
        let sum = a.shares.shares.reduce(0, +)
        #expect(abs(sum - a.summary.rSquared) <= 1e-10 * a.summary.rSquared, "Shapley shares sum to R²")
        #expect(abs(a.shares.unexplained - (1 - a.summary.rSquared)) <= 1e-12)
    }

    /// Group effects equal R's per-term contributions summed by group, and every subset R² equals
    /// R's, to 1e-9 relative (fixtures/reference/explain_*.csv).
    @Test func agreesWithR() throws {
        let a = try Self.councils()
        let ref = try Fixtures.csv("reference/explain_terms.csv")
        let used = a.fit.design.rows.map { a.ids[$0] }
        #expect(used == ref.rows.map { $0[0] })
        for (i, row) in ref.rows.enumerated() {
            #expect(close(a.decomposition.baseline, rNumber(row[1]), rel: 1e-9))
            for g in 0..<3 {
                let want = rNumber(row[2 + g])
                #expect(close(a.decomposition.effects[g][i], want, rel: 1e-9, abs: 1e-9 * 1e-3 * a.decomposition.baseline),
                        "\(row[0]) effect \(g): \(a.decomposition.effects[g][i]) vs \(want)")
            }
            #expect(close(a.decomposition.fitted[i], rNumber(row[5]), rel: 1e-9))
        }
        for row in try Fixtures.csv("reference/explain_subsets.csv").rows {
            let s = Int(row[0])!
            #expect(close(a.shares.subsetRSquared[s], rNumber(row[1]), rel: 1e-9), "subset \(s)")
        }
    }

    /// The Shapley refits (the path the bootstrap takes too: `Refit`) keep the fit's weights and
    /// pivot like R's lm: `I(2 * imd_score)` is aliased in the full model but estimable in every
    /// subset without `imd_score`. Every subset R² against R's weighted lm refits
    /// (fixtures/reference/explain_weighted_aliased_subsets.csv), 1e-9 relative.
    @Test func weightedAliasedSubsetsAgreeWithR() throws {
        let a = try ExplainAnalysis(ExplainRequest(
            fit: FitRequest(dataPath: Fixtures.path("councils/asc_2018_19.csv"),
                            formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(2 * imd_score) + council_type", id: "code",
                            weights: "pop_18p"),
            groups: [TermGroup(name: "need", justified: true, terms: ["imd_score"]),
                     TermGroup(name: "twin", justified: true, terms: ["I(2 * imd_score)"]),
                     TermGroup(name: "type", justified: false, terms: ["council_type"])]))
        #expect(a.fit.isAliased.contains(true), "the twin is aliased in the full model")
        let ref = try Fixtures.csv("reference/explain_weighted_aliased_subsets.csv")
        #expect(ref.rows.count == 7)
        for row in ref.rows {
            let s = Int(row[0])!
            #expect(close(a.shares.subsetRSquared[s], rNumber(row[1]), rel: 1e-9), "subset \(s)")
        }
    }

    /// With --weights each term is centred at its weighted mean and the baseline is the weighted
    /// mean of the response (so every effect has weighted mean 0): against R's WLS coefficients
    /// applied to weighted-centred columns (fixtures/reference/explain_weighted_terms.csv), 1e-9.
    @Test func weightedExplainCentresAtWeightedMeans() throws {
        let a = try ExplainAnalysis(ExplainRequest(
            fit: FitRequest(dataPath: Fixtures.path("councils/asc_2018_19.csv"),
                            formula: "asc_net_spend_per_adult_gbp ~ imd_score + I(pop_65p/pop_18p) + council_type", id: "code",
                            weights: "pop_18p"),
            groups: [TermGroup(name: "need", justified: true, terms: ["imd_score", "I(pop_65p/pop_18p)"]),
                     TermGroup(name: "type", justified: false, terms: ["council_type"])]))
        let ref = try Fixtures.csv("reference/explain_weighted_terms.csv")
        #expect(a.fit.design.rows.map { a.ids[$0] } == ref.rows.map { $0[0] })
        let scale = a.decomposition.baseline
        for (i, row) in ref.rows.enumerated() {
            #expect(close(a.decomposition.baseline, rNumber(row[1]), rel: 1e-9), "baseline")
            #expect(close(a.decomposition.effects[0][i], rNumber(row[2]), rel: 1e-9, abs: 1e-12 * scale), "\(row[0]) need")
            #expect(close(a.decomposition.effects[1][i], rNumber(row[3]), rel: 1e-9, abs: 1e-12 * scale), "\(row[0]) type")
            #expect(close(a.decomposition.fitted[i], rNumber(row[4]), rel: 1e-9), "\(row[0]) fitted")
        }
    }

    static func tiny(_ csv: String, formula: String, groups: [TermGroup], scale: String?) throws -> ExplainAnalysis {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-explain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("d.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return try ExplainAnalysis(ExplainRequest(fit: FitRequest(dataPath: path, formula: formula, id: "id"),
                                                  groups: groups, scale: scale))
    }

    /// Spend per head = 100 + 10·need exactly, except council C spends 30 a head more and D 30
    /// less (balanced, so the fit is exact for A, B, E, F). With populations 1,000 … the pounds
    /// are known by hand: C +£60,000 (2,000 × 30), D −£90,000 (3,000 × 30).
    @Test func poundsTotalsByHand() throws {
        let csv = """
        id,spend,need,pop
        A,110,1,1000
        B,120,2,1000
        C,160,3,2000
        D,100,3,3000
        E,150,5,1000
        F,160,6,1000
        """
        let a = try Self.tiny(csv, formula: "spend ~ need", groups: [TermGroup(name: "need", justified: true, terms: ["need"])], scale: "pop")
        // The fit: slope 10, intercept 100 (C and D cancel). Baseline = mean spend = 800/6.
        #expect(abs(a.fit.coefficients[1] - 10) < 1e-12 && abs(a.fit.coefficients[0] - 100) < 1e-12)
        #expect(abs(a.decomposition.baseline - 800.0 / 6) < 1e-12)
        let u = a.unjustified
        let expected = [0.0, 0, 30, -30, 0, 0]
        for i in 0..<6 { #expect(abs(u[i] - expected[i]) < 1e-12) }
        let t = a.unjustifiedTotals!
        #expect(abs(t.positive - 60_000) < 1e-6 && abs(t.negative + 90_000) < 1e-6)
        let h = a.output.header
        let col = h.firstIndex(of: "unjustified_gbp")!, rank = h.firstIndex(of: "rank")!
        #expect(a.output.rows[2][col] == .number(60_000) || abs(Self.number(a.output.rows[2][col]) - 60_000) < 1e-6)
        #expect(a.output.rows[2][rank] == .integer(1) && a.output.rows[3][rank] == .integer(6))
        #expect(abs(Self.number(a.output.rows[2][h.firstIndex(of: "unjustified_pct")!]) - 100 * 30 / 130.0) < 1e-10)
    }

    static func number(_ c: Cell) -> Double { if case let .number(x) = c { return x }; return .nan }

    /// log(spend) ~ need + age, computed here without Varex: the least-squares coefficients from
    /// the 3 × 3 normal equations solved by Gaussian elimination, the residuals, Duan's smearing
    /// factor S = mean of exp(residual), justified = S·exp(mean + b_need·(need − mean need)),
    /// and the age effect as a percentage 100·(exp(b_age·(age − mean age)) − 1).
    @Test func logResponseIsRetransformedWithSmearing() throws {
        let csv = """
        id,spend,need,age
        A,100,1,3
        B,130,2,1
        C,150,3,4
        D,210,4,1
        E,230,5,5
        F,330,6,2
        G,340,7,6
        """
        let a = try Self.tiny(csv, formula: "log(spend) ~ need + age",
                              groups: [TermGroup(name: "need", justified: true, terms: ["need"]),
                                       TermGroup(name: "age", justified: false, terms: ["age"])], scale: nil)
        let spend = [100.0, 130, 150, 210, 230, 330, 340], need = [1.0, 2, 3, 4, 5, 6, 7], age = [3.0, 1, 4, 1, 5, 2, 6]
        let y = spend.map { log($0) }, n = 7.0
        // Normal equations XᵀX b = Xᵀy for X = [1, need, age].
        let cols = [[Double](repeating: 1, count: 7), need, age]
        var m = (0..<3).map { j in (0..<3).map { k in zip(cols[j], cols[k]).reduce(0) { $0 + $1.0 * $1.1 } } + [zip(cols[j], y).reduce(0) { $0 + $1.0 * $1.1 }] }
        for p in 0..<3 {
            for r in (p + 1)..<3 {
                let f = m[r][p] / m[p][p]
                for c in p..<4 { m[r][c] -= f * m[p][c] }
            }
        }
        var b = [0.0, 0, 0]
        for p in stride(from: 2, through: 0, by: -1) {
            b[p] = (m[p][3] - ((p + 1)..<3).reduce(0) { $0 + m[p][$1] * b[$1] }) / m[p][p]
        }
        let residual = (0..<7).map { y[$0] - (b[0] + b[1] * need[$0] + b[2] * age[$0]) }
        let smear = residual.map { exp($0) }.reduce(0, +) / n
        let meanY = y.reduce(0, +) / n, meanNeed = need.reduce(0, +) / n, meanAge = age.reduce(0, +) / n
        let r = try #require(a.retransformed)
        #expect(abs(r.smearing - smear) < 1e-12, "S \(r.smearing) vs \(smear)")
        for i in 0..<7 {
            let justified = smear * exp(meanY + b[1] * (need[i] - meanNeed))
            #expect(abs(r.observed[i] - spend[i]) < 1e-10 * spend[i])
            #expect(abs(r.justified[i] - justified) < 1e-10 * justified, "\(i): \(r.justified[i]) vs \(justified)")
            #expect(abs(r.unjustified[i] - (spend[i] - justified)) < 1e-9 * spend[i])
            #expect(abs(r.effectPercent[1][i] - 100 * (exp(b[2] * (age[i] - meanAge)) - 1)) < 1e-9)
            #expect(abs(r.effectPercent[0][i] - 100 * (exp(b[1] * (need[i] - meanNeed)) - 1)) < 1e-9)
        }
        #expect(a.output.header.contains("effect_need_pct") && a.output.header.contains("effect_age_pct"))
    }

    @Test func outcomeIndexByHand() throws {
        let csv = "id,good,bad\nA,1,10\nB,2,\nC,3,30\nD,6,20\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
        let z = try OutcomeIndex(table: t, measures: [Measure(column: "good", higherIsBetter: true), Measure(column: "bad", higherIsBetter: false)],
                                 weights: ["good": 3])
        // good: mean 3, sd √(14/3); bad: mean 20, sd 10, reversed.
        let sdGood = (14.0 / 3).squareRoot()
        let a0 = (3 * (-2 / sdGood) + 1 * 1.0) / 4
        #expect(abs(z.index[0] - a0) < 1e-14)
        #expect(abs(z.index[1] - (-1 / sdGood)) < 1e-14, "B has only 'good': re-weighted over it")
        #expect(z.notes[1] == "re-weighted over 1 of 2 measures (missing bad)" && z.measuresUsed[1] == 1)
        let rank = try OutcomeIndex(table: t, measures: [Measure(column: "good", higherIsBetter: true)], normalisation: .rank)
        #expect(rank.index == [0, 1.0 / 3, 2.0 / 3, 1])
        let mm = try OutcomeIndex(table: t, measures: [Measure(column: "bad", higherIsBetter: false)], normalisation: .minmax)
        #expect(mm.index[0] == 1 && mm.index[2] == 0 && mm.index[3] == 0.5 && mm.index[1].isNaN)
        #expect(mm.notes[1] == "no measures present")
    }

    @Test func groupsAreValidated() throws {
        let f = try Formula("y ~ a + b + log(c, 2)")
        #expect(throws: ExplainError.unclassifiedTerms(["b", "log(c, 2)"])) {
            try TermGrouping(groups: [TermGroup(name: "g", justified: true, terms: ["a"])], formula: f)
        }
        #expect(throws: ExplainError.termInTwoGroups(term: "a", first: "g", second: "h")) {
            try TermGrouping(groups: [TermGroup(name: "g", justified: true, terms: ["a", "b"]),
                                      TermGroup(name: "h", justified: false, terms: ["a", "log(c, 2)"])], formula: f)
        }
        #expect(throws: ExplainError.unknownTerm(term: "d", group: "g", terms: ["a", "b", "log(c, 2)"])) {
            try TermGrouping(groups: [TermGroup(name: "g", justified: true, terms: ["d"])], formula: f)
        }
        let g = try TermGroup.parse("need=log(c,2), a", justified: true)
        #expect(g.terms == ["log(c,2)", "a"])
        _ = try TermGrouping(groups: [g, TermGroup(name: "x", justified: false, terms: ["b"])], formula: f)
        #expect(throws: ExplainError.emptyGroup("need")) { try TermGroup.parse("need=", justified: true) }
    }

    @Test func joinReportsIdsInOneFileOnly() throws {
        let left = Table(records: try CSVReader.parse(Array("code,x\nA,1\nB,2\nC,3\n".utf8), file: "l.csv"), source: "l.csv")
        let right = Table(records: try CSVReader.parse(Array("code,y,x\nA,10,9\nC,30,9\nD,40,9\n".utf8), file: "r.csv"), source: "r.csv")
        let (t, report) = try left.joined(with: right, on: "code")
        #expect(t.names == ["code", "x", "y"])
        #expect(try t.column("y").cells == ["10", "", "30"])
        #expect(report.onlyInLeft == ["B"] && report.onlyInRight == ["D"] && report.skippedColumns == ["x"])
        #expect(report.message == "join r.csv: 1 id not in r.csv (B); their new columns are missing; 1 id only in r.csv (D), not used; columns already present kept from the main file: x")
    }
}
