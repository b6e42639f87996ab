// Benchmark (d2): a linear mixed model on n simulated person-level rows in 152 councils (a
// random intercept per council, 10 fixed effects), through the library API from a table in
// memory: the design, the REML fit, Satterthwaite's df and the conditional modes with their SDs
// are timed; generating the data is not. benchmarks/mixed_large.R makes the same data:
//   council = i mod 152; x_j = ((i·(2j+1)·7919 + 13j) mod 10007)/10007 − 0.5 rounded to 6 decimals (j = 1…10);
//   u_c = 2·(((c·7919) mod 1009)/1009 − 0.5); e = ((i·104729) mod 9973)/9973 − 0.5;
//   y = 1 + Σ 0.1·j·x_j + u_council + e, rounded to 6 decimals.
import Varex
import VarexLinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

func round6(_ v: Double) -> String {
    let s = Int((v * 1_000_000).rounded())
    let sign = s < 0 ? "-" : ""
    let a = abs(s)
    let frac = String(a % 1_000_000)
    return sign + String(a / 1_000_000) + "." + String(repeating: "0", count: 6 - frac.count) + frac
}

func mixedBenchmark(n: Int) throws {
    var rows: [[String]] = []
    rows.reserveCapacity(n)
    for i in 0..<n {
        let c = i % 152
        var row = ["C\(c)"]
        var y = 1.0
        for j in 1...10 {
            let k = (i * (2 * j + 1) * 7919 + 13 * j) % 10007
            let text = round6(Double(k) / 10007 - 0.5)
            row.append(text)
            y += 0.1 * Double(j) * Double(text)!
        }
        y += 2 * (Double((c * 7919) % 1009) / 1009 - 0.5) + Double((i * 104729) % 9973) / 9973 - 0.5
        row.append(round6(y))
        rows.append(row)
    }
    let header = ["council"] + (1...10).map { "x\($0)" } + ["y"]
    let table = Table(records: CSVRecords(header: header, rows: rows, lines: Array(2...(n + 1))), source: "simulated")
    rows = []
    let formula = "y ~ " + (1...10).map { "x\($0)" }.joined(separator: " + ") + " + (1 | council)"
    let start = now()
    let design = try MixedDesign(formula: try MixedFormula(formula), table: table)
    let fit = try LinearMixedModel.fit(design)
    let satterthwaite = try Satterthwaite(fit)
    let modes = fit.randomEffects(term: 0)
    let sds = try fit.conditionalStandardDeviations(term: 0)
    let seconds = now() - start
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    var checksum = 0.0
    for (k, b) in fit.beta.enumerated() { checksum += Double(k + 1) * b }
    var modeSum = 0.0
    for l in 0..<modes.rows { modeSum += modes[l, 0] }
    let peak = Double(usage.ru_maxrss) / 1024
    var line = "{\"seconds\": \(seconds), \"peak_rss_mb\": \(peak), \"criterion\": \(fit.criterion), "
    line += "\"beta_checksum\": \(checksum), \"df_x1\": \(satterthwaite.degreesOfFreedom[1]), \"sigma\": \(fit.sigma), "
    line += "\"mode_sum\": \(modeSum), \"sd_first\": \(sds[0, 0])}"
    print(line)
}
