import Foundation
import Testing
import Varex

/// The binomial and Poisson draws of the GLMM bootstrap against their distributions: for small
/// parameters the frequencies against the exact probabilities (Pearson's χ² below its 0.999
/// quantile), for large ones (Knuth's gamma splitting) the mean and variance of 100,000 draws
/// within 4.5 standard errors of n p and n p (1 − p), or λ and λ.
struct RandomDrawTests {
    /// log C(n, k) + k log p + (n − k) log(1 − p).
    static func binomialProbability(_ n: Int, _ k: Int, _ p: Double) -> Double {
        let choose: Double = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
        let logP: Double = Double(k) * log(p) + Double(n - k) * log(1 - p)
        return exp(choose + logP)
    }

    static func poissonProbability(_ lambda: Double, _ k: Int) -> Double {
        exp(Double(k) * log(lambda) - lambda - lgamma(Double(k + 1)))
    }

    /// Pearson's χ² of the counts against the probabilities, cells with expected counts of at
    /// least 5 (the rest pooled), and its degrees of freedom.
    static func chiSquare(_ counts: [Int: Int], _ probability: (Int) -> Double, range: ClosedRange<Int>, draws: Int) -> (Double, Int) {
        var chi = 0.0, cells = 0, pooledObserved = 0, pooledExpected = 0.0
        for k in range {
            let e = probability(k) * Double(draws), o = counts[k] ?? 0
            if e >= 5 { chi += (Double(o) - e) * (Double(o) - e) / e; cells += 1 } else { pooledObserved += o; pooledExpected += e }
        }
        let outside = draws - counts.filter { range.contains($0.key) }.values.reduce(0, +)
        pooledObserved += outside
        pooledExpected = Double(draws) - range.reduce(0.0) { $0 + (probability($1) * Double(draws) >= 5 ? probability($1) * Double(draws) : 0) }
        if pooledExpected >= 5 { chi += (Double(pooledObserved) - pooledExpected) * (Double(pooledObserved) - pooledExpected) / pooledExpected; cells += 1 }
        return (chi, cells - 1)
    }

    @Test(arguments: [(12, 0.3), (39, 0.9), (45, 0.2), (200, 0.5)])
    func binomialFrequencies(_ n: Int, _ p: Double) {
        var rng = Xoshiro256(seed: 7, stream: UInt64(n))
        let draws = 100_000
        var counts: [Int: Int] = [:]
        for _ in 0..<draws { counts[rng.binomial(n, p), default: 0] += 1 }
        #expect(counts.keys.allSatisfy { (0...n).contains($0) })
        let (chi, df) = Self.chiSquare(counts, { Self.binomialProbability(n, $0, p) }, range: 0...n, draws: draws)
        // The 0.999 quantile of χ² with df degrees of freedom (Wilson–Hilferty).
        let q = Double(df) * pow(1 - 2 / (9 * Double(df)) + 3.090232 * (2 / (9 * Double(df))).squareRoot(), 3)
        #expect(df >= 5 && chi < q, "n \(n) p \(p): χ² \(chi) on \(df) df, 0.999 quantile \(q)")
    }

    @Test(arguments: [0.4, 3.5, 29.0, 31.0, 150.0])
    func poissonFrequencies(_ lambda: Double) {
        var rng = Xoshiro256(seed: 9, stream: UInt64(lambda * 10))
        let draws = 100_000
        var counts: [Int: Int] = [:]
        for _ in 0..<draws { counts[rng.poisson(lambda), default: 0] += 1 }
        let top = Int(lambda + 10 * lambda.squareRoot() + 10)
        let (chi, df) = Self.chiSquare(counts, { Self.poissonProbability(lambda, $0) }, range: 0...top, draws: draws)
        let q = Double(df) * pow(1 - 2 / (9 * Double(df)) + 3.090232 * (2 / (9 * Double(df))).squareRoot(), 3)
        #expect(df >= 2 && chi < q, "λ \(lambda): χ² \(chi) on \(df) df, 0.999 quantile \(q)")
    }

    @Test func largeParametersHaveTheirMeansAndVariances() {
        var rng = Xoshiro256(seed: 3, stream: 1)
        let draws = 100_000
        for (n, p) in [(5_000, 0.83), (100_000, 0.01), (1_000_000, 0.5)] {
            let x = (0..<draws).map { _ in Double(rng.binomial(n, p)) }
            let mean = x.reduce(0, +) / Double(draws), variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
            let v = Double(n) * p * (1 - p)
            #expect(abs(mean - Double(n) * p) <= 4.5 * (v / Double(draws)).squareRoot(), "binomial(\(n), \(p)) mean \(mean)")
            // The variance's SE is about v √(2 / draws) (near-normal draws).
            #expect(abs(variance - v) <= 4.5 * v * (2 / Double(draws)).squareRoot(), "binomial(\(n), \(p)) variance \(variance) vs \(v)")
        }
        for lambda in [450.0, 12_345.6] {
            let x = (0..<draws).map { _ in Double(rng.poisson(lambda)) }
            let mean = x.reduce(0, +) / Double(draws), variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
            #expect(abs(mean - lambda) <= 4.5 * (lambda / Double(draws)).squareRoot(), "poisson(\(lambda)) mean \(mean)")
            #expect(abs(variance - lambda) <= 4.5 * lambda * (2 / Double(draws)).squareRoot(), "poisson(\(lambda)) variance \(variance)")
        }
    }
}
