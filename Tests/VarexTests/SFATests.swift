import Foundation
import Testing
@testable import Varex

/// Stochastic frontiers against R's maximisation of the same likelihoods written out in their
/// textbook form (`fixtures/reference/make_sfa_reference.R`: nlminb, then Newton steps on
/// numDeriv's derivatives): parameters to 1e-6, standard errors to 1e-4 (both sides' curvature
/// is a numerical derivative of a gradient: Varex's analytic one, R's numDeriv), the log-likelihood to
/// 1e-8, every unit's efficiency (Battese–Coelli and Jondrow et al.) and Horrace–Schmidt interval
/// to 1e-6; and FRONTIER 4.1's published example (Coelli 1996) to the digits its optimiser reached.
struct SFATests {
    static func eg1() throws -> (units: [String], y: [Double], x: [[Double]]) {
        let rows = try Fixtures.csv("reference/front41_eg1.csv").rows
        return (rows.map { $0[0] }, rows.map { log(Double($0[1])!) },
                rows.map { [1, log(Double($0[2])!), log(Double($0[3])!)] })
    }

    static func councils() throws -> (units: [String], y: [Double], x: [[Double]], lpop: [Double]) {
        let file = try Fixtures.csv("councils/asc_2018_19.csv")
        func c(_ n: String) -> Int { file.header.firstIndex(of: n)! }
        let rows = file.rows
        func v(_ r: [String], _ n: String) -> Double { Double(r[c(n)])! }
        return (rows.map { $0[c("code")] }, rows.map { log(v($0, "asc_net_spend_per_adult_gbp")) },
                rows.map { [1, v($0, "imd_score"), log(v($0, "pop_85p") / v($0, "pop_18p")), log(v($0, "pop_65p") / v($0, "pop_18p"))] },
                rows.map { log(v($0, "pop_18p")) })
    }

    static let egNames = ["(Intercept)", "log(capital)", "log(labour)"]
    static let councilNames = ["(Intercept)", "imd_score", "l85", "l65"]

    static func data(_ name: String) throws -> (StochasticFrontierData, StochasticFrontierModel) {
        let one = ["(Intercept)"]
        switch name {
        case "eg1", "eg1_bc95":
            let d = try eg1()
            let capital = try Fixtures.csv("reference/front41_eg1.csv").rows.map { Double($0[2])! }
            let z: [[Double]] = name == "eg1" ? [] : capital.map { [1, $0] }
            let zNames = name == "eg1" ? [] : ["(Intercept)", "capital"]
            return (StochasticFrontierData(units: d.units, y: d.y, x: d.x, xNames: egNames, z: z, zNames: zNames),
                    StochasticFrontierModel(side: .production, distribution: name == "eg1" ? .halfNormal : .truncatedNormal))
        default:
            let d = try councils()
            let hetero = name == "cost_hetero"
            return (StochasticFrontierData(units: d.units, y: d.y, x: d.x, xNames: councilNames,
                                           w: hetero ? d.lpop.map { [1, $0] } : nil, wNames: hetero ? ["(Intercept)", "lpop"] : one),
                    StochasticFrontierModel(side: .cost, distribution: name == "cost_exponential" ? .exponential : .halfNormal))
        }
    }

    @Test(arguments: ["eg1", "eg1_bc95", "cost_halfnormal", "cost_exponential", "cost_hetero"])
    func agreesWithRsMaximum(_ name: String) throws {
        let (data, model) = try Self.data(name)
        let fit = try StochasticFrontier(data, model: model)
        let params = try Fixtures.csv("reference/sfa_\(name)_parameters.csv").rows
        #expect(params.count == fit.parameters.count, "parameters")
        for (k, (row, est)) in paired(params, fit.parameters).enumerated() {
            #expect(row[0] == fit.parameterNames[k])
            #expect(close(est, Double(row[1])!, rel: 1e-6, abs: 1e-8), "\(name) \(row[0]): \(est) against \(row[1])")
            #expect(close(fit.standardErrors[k], Double(row[2])!, rel: 1e-4), "\(name) SE of \(row[0]): \(fit.standardErrors[k]) against \(row[2])")
        }
        let stats = try Fixtures.csv("reference/sfa_\(name)_stats.csv").rows[0]
        #expect(abs(fit.logLikelihood - Double(stats[0])!) <= 1e-8, "\(name) log-likelihood \(fit.logLikelihood) against \(stats[0])")
        #expect(abs(fit.olsLogLikelihood - Double(stats[1])!) <= 1e-9)
        #expect(abs(fit.inefficiencyLR - Double(stats[2])!) <= 2e-8)
        if let sg = fit.sigmaSquaredAndGamma {
            #expect(close(sg.sigma2, Double(stats[3])!, rel: 1e-6) && close(sg.gamma, Double(stats[4])!, rel: 1e-6))
        } else {
            #expect(stats[3] == "NA")
        }
        let units = try Fixtures.csv("reference/sfa_\(name)_units.csv").rows
        let interval = fit.efficiencyInterval(level: 0.95)
        #expect(units.count == data.count, "units")
        for (i, row) in paired(0..<data.count, units) {
            #expect(row[0] == data.units[i])
            #expect(close(fit.efficiency[i], Double(row[1])!, rel: 1e-6), "\(name) \(row[0]) BC \(fit.efficiency[i]) against \(row[1])")
            #expect(close(fit.inefficiency[i], Double(row[2])!, rel: 1e-6, abs: 1e-9), "\(name) \(row[0]) JLMS")
            #expect(close(interval[i].low, Double(row[3])!, rel: 1e-6), "\(name) \(row[0]) low")
            #expect(close(interval[i].high, Double(row[4])!, rel: 1e-6), "\(name) \(row[0]) high")
        }
    }

    /// Rank intervals with the parameters' uncertainty (``FrontierRanks``) against R's, given R's
    /// estimates, covariance and draws (`make_sfa_reference.R`): every rank, median and interval
    /// exactly; and Varex's own seeded draws bracket the point ranks.
    @Test(arguments: ["cost_halfnormal", "cost_exponential"])
    func rankIntervalsAgreeWithRGivenItsDraws(_ name: String) throws {
        let (data, model) = try Self.data(name)
        let fit = try StochasticFrontier(data, model: model)
        let theta = try Fixtures.csv("reference/sfa_\(name)_parameters.csv").rows.map { Double($0[1])! }
        let k = theta.count, n = data.count
        let flat = try Fixtures.csv("reference/sfa_\(name)_vcov.csv").rows.map { Double($0[0])! }
        #expect(flat.count == k * k)
        let v = (0..<k).map { i in (0..<k).map { j in flat[i + j * k] } }
        let rows = try Fixtures.csv("reference/sfa_\(name)_rank_draws.csv").rows
        let count = Int(rows.last![0])!
        #expect(rows.count == count * (k + n))
        let supplied = (0..<count).map { b -> (normals: [Double], uniforms: [Double]) in
            let block = rows[(b * (k + n))..<((b + 1) * (k + n))].map { Double($0[2])! }
            return (Array(block.prefix(k)), Array(block.suffix(n)))
        }
        let ranks = try FrontierRanks(fit, parameters: theta, covariance: v, supplied: supplied)
        let want = try Fixtures.csv("reference/sfa_\(name)_ranks.csv").rows
        #expect(want.count == n)
        for (i, row) in paired(0..<n, want) {
            #expect(row[0] == data.units[i])
            #expect(ranks.rank[i] == Int(row[1])!, "\(name) \(row[0]) rank")
            #expect(ranks.rankMedian[i] == Double(row[2])!, "\(name) \(row[0]) median rank")
            #expect(ranks.rankLow[i] == Int(row[3])! && ranks.rankHigh[i] == Int(row[4])!, "\(name) \(row[0]) interval")
        }
        let own = try FrontierRanks(fit, draws: 400, seed: 9)
        let inside = (0..<n).filter { own.rankLow[$0] <= own.rank[$0] && own.rank[$0] <= own.rankHigh[$0] }.count
        #expect(inside >= n * 95 / 100, "\(inside) of \(n) point ranks inside their intervals")
    }

    /// FRONTIER 4.1's output for its example 1 (Coelli 1996, `EG1.OUT`): estimates to the five
    /// digits FRONTIER's optimiser reached (it stops at a relative change of 1e-5), the
    /// log-likelihood −17.027229, the LR statistic 2.8392402, the efficiencies and their mean.
    @Test func frontier41PublishedExample() throws {
        let (data, model) = try Self.data("eg1")
        let fit = try StochasticFrontier(data, model: model)
        for (got, want) in paired(fit.coefficients, [0.56161963, 0.28110205, 0.53647981]) {
            #expect(close(got, want, rel: 2e-5), "\(got) against FRONTIER's \(want)")
        }
        let sg = try #require(fit.sigmaSquaredAndGamma)
        #expect(close(sg.sigma2, 0.21700046, rel: 2e-5) && close(sg.gamma, 0.79720730, rel: 2e-5))
        #expect(abs(fit.logLikelihood - -17.027229) <= 1e-5)
        #expect(abs(fit.inefficiencyLR - 2.8392402) <= 2e-5)
        let published = [0.65068880, 0.82889151, 0.72642592, 0.74785113, 0.69133584, 0.77654637, 0.56516787, 0.73768185, 0.84388964, 0.75784167]
        for (got, want) in paired(fit.efficiency.prefix(10), published) { #expect(abs(got - want) <= 1e-5) }
        #expect(abs(fit.efficiency.reduce(0, +) / 60 - 0.74056772) <= 1e-5)
        // Standard errors: FRONTIER's come from its quasi-Newton (DFP) approximation of the
        // curvature, within 1% of the exact curvature's.
        for (got, want) in paired(fit.standardErrors.prefix(3), [0.20261668, 0.047643365, 0.045251553]) {
            #expect(close(got, want, rel: 1e-2))
        }
    }

    /// Kodde and Palm's (1986) Table 1, the 5% critical values of the mixed χ².
    @Test func koddePalmCriticalValues() {
        for (q, want) in [(1, 2.706), (2, 5.138), (3, 7.045), (4, 8.761)] {
            #expect(abs(MixedChiSquared.critical(alpha: 0.05, restrictions: q) - want) <= 1e-3)
        }
    }

    @Test func wrongSkewIsNamed() throws {
        let (data, _) = try Self.data("cost_halfnormal")
        #expect {
            try StochasticFrontier(data, model: StochasticFrontierModel(side: .production, distribution: .halfNormal))
        } throws: { error in
            guard case FrontierError.wrongSkew(side: .production, thirdMoment: let m3) = error else { return false }
            return m3 > 0 && (error as! FrontierError).exitCode == 2
        }
    }

    /// A truncated normal with a constant mean runs off towards the exponential's limit on the
    /// council data (R's nlminb stops with a singular Hessian there too).
    @Test func aLikelihoodWithoutAMaximumIsNamed() throws {
        let d = try Self.councils()
        let data = StochasticFrontierData(units: d.units, y: d.y, x: d.x, xNames: Self.councilNames, z: d.y.map { _ in [1] }, zNames: ["(Intercept)"])
        #expect {
            try StochasticFrontier(data, model: StochasticFrontierModel(side: .cost, distribution: .truncatedNormal))
        } throws: { error in
            guard case FrontierError.notConverged = error else { return false }
            return true
        }
    }
}

/// Panel frontiers (Pitt and Lee 1981; Battese and Coelli 1992, half-normal and truncated) on
/// the five-year council panel against R's maximum of Battese and Coelli's likelihood
/// (`fixtures/reference/make_sfa_panel_reference.R`), to the cross-section's tolerances except the
/// standard errors: 3e-3, because R's curvature of the 757-row likelihood is a second numerical
/// derivative whose value moves by that much with numDeriv's step (0.17486, 0.17488, 0.17457 for
/// the intercept's SE at d = 1e-2, 1e-3, 1e-4; Varex's, from the analytic gradient, 0.17493).
struct PanelSFATests {
    static func panel() throws -> (data: StochasticFrontierData, unit: [Int], names: [String], period: [Int], years: [String]) {
        let file = try Fixtures.csv("councils/asc_panel_2014_2019.csv")
        func c(_ n: String) -> Int { file.header.firstIndex(of: n)! }
        let used = ["asc_net_spend_per_adult_gbp", "imd_score", "pop_85p", "pop_65p", "pop_18p"]
        let rows = file.rows.filter { r in used.allSatisfy { !r[c($0)].isEmpty } }
            .sorted { ($0[c("code")], $0[c("financial_year")]) < ($1[c("code")], $1[c("financial_year")]) }
        let years = Array(Set(rows.map { $0[c("financial_year")] })).sorted()
        var names: [String] = []
        var index: [String: Int] = [:]
        let unit = rows.map { r -> Int in
            let code = r[c("code")]
            if let i = index[code] { return i }
            index[code] = names.count; names.append(code); return names.count - 1
        }
        func v(_ r: [String], _ n: String) -> Double { Double(r[c(n)])! }
        let data = StochasticFrontierData(units: rows.map { $0[c("code")] }, y: rows.map { log(v($0, "asc_net_spend_per_adult_gbp")) },
                                          x: rows.map { [1, v($0, "imd_score"), log(v($0, "pop_85p") / v($0, "pop_18p")), log(v($0, "pop_65p") / v($0, "pop_18p"))] },
                                          xNames: ["(Intercept)", "imd_score", "l85", "l65"])
        return (data, unit, names, rows.map { years.firstIndex(of: $0[c("financial_year")])! + 1 }, rows.map { $0[c("financial_year")] })
    }

    @Test(arguments: [("pitt_lee", InefficiencyDistribution.halfNormal, PanelInefficiency.timeInvariant),
                      ("bc92", .halfNormal, .timeVarying), ("bc92_truncated", .truncatedNormal, .timeVarying)])
    func agreesWithRsMaximum(_ name: String, _ distribution: InefficiencyDistribution, _ kind: PanelInefficiency) throws {
        let p = try Self.panel()
        let fit = try PanelFrontier(p.data, unit: p.unit, unitNames: p.names, period: p.period,
                                    model: StochasticFrontierModel(side: .cost, distribution: distribution), inefficiency: kind)
        let params = try Fixtures.csv("reference/sfa_panel_\(name)_parameters.csv").rows
        #expect(params.count == fit.parameters.count)
        for (k, (row, est)) in paired(params, fit.parameters).enumerated() {
            #expect(row[0] == fit.parameterNames[k])
            #expect(close(est, Double(row[1])!, rel: 1e-6, abs: 1e-8), "\(name) \(row[0]): \(est) against \(row[1])")
            #expect(close(fit.standardErrors[k], Double(row[2])!, rel: 3e-3), "\(name) SE of \(row[0]): \(fit.standardErrors[k]) against \(row[2])")
        }
        let stats = try Fixtures.csv("reference/sfa_panel_\(name)_stats.csv").rows[0]
        #expect(abs(fit.logLikelihood - Double(stats[0])!) <= 1e-7, "\(name) log-likelihood \(fit.logLikelihood) against \(stats[0])")
        #expect(abs(fit.olsLogLikelihood - Double(stats[1])!) <= 1e-8)
        let units = try Fixtures.csv("reference/sfa_panel_\(name)_units.csv").rows
        #expect(units.count == p.data.count)
        let eff = fit.efficiency, u = fit.inefficiencyEstimates, interval = fit.efficiencyInterval()
        for (i, row) in paired(0..<p.data.count, units) {
            #expect(row[0] == p.data.units[i] && row[1] == p.years[i])
            #expect(close(eff[i], Double(row[2])!, rel: 1e-6), "\(name) \(row[0]) \(row[1])")
            #expect(close(u[i], Double(row[3])!, rel: 1e-6, abs: 1e-9))
            #expect(close(interval[i].low, Double(row[4])!, rel: 1e-6) && close(interval[i].high, Double(row[5])!, rel: 1e-6))
        }
    }
}

/// Recovery on simulated data with known inefficiency: a cost frontier y = 1 + 0.5x + v + u,
/// v ~ N(0, 0.2²), u ~ |N(0, 0.3²)| (and exponential of mean 0.25), 2,000 units from a fixed
/// seed: every parameter within 2.5 standard errors of the truth, and the efficiencies
/// correlated with the true exp(−u) as theory allows.
struct SFARecoveryTests {
    @Test(arguments: [InefficiencyDistribution.halfNormal, .exponential])
    func recoversKnownInefficiency(_ distribution: InefficiencyDistribution) throws {
        var rng = Xoshiro256(seed: 2026, stream: distribution == .halfNormal ? 1 : 2)
        let n = 2000
        var x: [[Double]] = [], y: [Double] = [], u: [Double] = []
        for _ in 0..<n {
            let xi = 4 * rng.uniform()
            let ui = distribution == .halfNormal ? abs(0.3 * rng.normal()) : -0.25 * log(rng.uniform())
            x.append([1, xi]); u.append(ui)
            y.append(1 + 0.5 * xi + 0.2 * rng.normal() + ui)
        }
        let data = StochasticFrontierData(units: (0..<n).map(String.init), y: y, x: x, xNames: ["(Intercept)", "x"])
        let fit = try StochasticFrontier(data, model: StochasticFrontierModel(side: .cost, distribution: distribution))
        let sigmaU2 = distribution == .halfNormal ? 0.09 : 0.0625
        let truth = [1, 0.5, log(sigmaU2), log(0.04)]
        #expect(fit.parameters.count == truth.count)
        for (k, (est, want)) in paired(fit.parameters, truth).enumerated() {
            #expect(abs(est - want) <= 2.5 * fit.standardErrors[k], "\(fit.parameterNames[k]): \(est) ± \(fit.standardErrors[k]) against \(want)")
        }
        let trueEff = u.map { exp(-$0) }, eff = fit.efficiency
        let me = eff.reduce(0, +) / Double(n), mt = trueEff.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<n { sxy += (eff[i] - me) * (trueEff[i] - mt); sxx += (eff[i] - me) * (eff[i] - me); syy += (trueEff[i] - mt) * (trueEff[i] - mt) }
        #expect(sxy / (sxx * syy).squareRoot() > 0.6)
        // The Horrace–Schmidt intervals cover the true efficiency about as often as they claim.
        let interval = fit.efficiencyInterval(level: 0.95)
        let covered = (0..<n).filter { interval[$0].low <= trueEff[$0] && trueEff[$0] <= interval[$0].high }.count
        #expect(abs(Double(covered) / Double(n) - 0.95) <= 0.02, "coverage \(covered) of \(n)")
    }
}
