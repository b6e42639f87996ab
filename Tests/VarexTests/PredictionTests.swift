import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Predictions, against `predict.lm` (fixtures/reference/make_inference_reference.R), and the
/// saved model's round trip.
struct PredictionTests {
    static let netFormula = ReferenceTests.cases[0].formula
    static let excluded = ["E09000001", "E06000053"]

    static func netRun() throws -> ModelRun {
        try ModelRun(FitRequest(dataPath: Fixtures.path(ReferenceTests.councils), formula: netFormula, id: "code", exclude: excluded))
    }

    /// Every council with its predictors (the two excluded from the fit among them): fit, se.fit
    /// and both intervals at 95% and 90%, 1e-9 relative.
    @Test func intervalsAgreeWithPredictLm() throws {
        let run = try Self.netRun()
        let coded = try run.fit.design.schema.modelMatrix(table: run.table)
        let ref = try Fixtures.csv("reference/predict_councils_net.csv")
        #expect(coded.rows.map { run.ids[$0] } == ref.rows.map { $0[0] })
        let p95 = try run.fit.predictor().predict(coded, level: 0.95)
        let p90 = try run.fit.predictor().predict(coded, level: 0.9)
        for (k, row) in ref.rows.enumerated() {
            let want = row.dropFirst().map(rNumber)
            let got = [p95[k].fit, p95[k].standardError, p95[k].confidenceLow, p95[k].confidenceHigh, p95[k].predictionLow,
                       p95[k].predictionHigh, p90[k].confidenceLow, p90[k].confidenceHigh, p90[k].predictionLow, p90[k].predictionHigh]
            for (g, w) in paired(got, want) { #expect(close(g, w, rel: 1e-9), "\(row[0]): \(g) vs \(w)") }
        }
    }

    /// A weighted fit: prediction intervals with w = 1 (R's default for new data, with its
    /// warning) and with each council's own weight.
    @Test func weightedPredictionIntervals() throws {
        let run = try ModelRun(FitRequest(dataPath: Fixtures.path(ReferenceTests.councils), formula: ReferenceTests.cases[2].formula,
                                          id: "code", weights: "pop_18p"))
        let coded = try run.fit.design.schema.modelMatrix(table: run.table)
        let ref = try Fixtures.csv("reference/predict_councils_wls.csv")
        #expect(coded.rows.map { run.ids[$0] } == ref.rows.map { $0[0] })
        let w = try run.table.column("pop_18p")
        let unit = try run.fit.predictor().predict(coded)
        let own = try run.fit.predictor().predict(coded, weights: coded.rows.map { Double(w.values[$0]) })
        for (k, row) in ref.rows.enumerated() {
            #expect(close(unit[k].fit, rNumber(row[1]), rel: 1e-9))
            #expect(close(unit[k].predictionLow, rNumber(row[2]), rel: 1e-9) && close(unit[k].predictionHigh, rNumber(row[3]), rel: 1e-9))
            #expect(close(own[k].predictionLow, rNumber(row[4]), rel: 1e-9) && close(own[k].predictionHigh, rNumber(row[5]), rel: 1e-9))
        }
    }

    /// Saved, read back and predicted on its own data, a model reproduces the fit's fitted values
    /// and prediction intervals to 1e-12.
    @Test func savedModelReproducesTheFit() throws {
        let run = try Self.netRun()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varex-model-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/model.json"
        try SavedModel(run: run).json().write(toFile: path, atomically: true, encoding: .utf8)
        let a = try PredictionAnalysis(modelPath: path, dataPath: Fixtures.path(ReferenceTests.councils), id: "code", level: 0.95, weights: nil)
        let infl = try InfluenceMeasures(fit: run.fit)
        let pi = run.fit.predictionIntervals(level: 0.95, leverage: infl.leverage)
        for (i, r) in run.fit.design.rows.enumerated() {
            let k = a.coded.rows.firstIndex(of: r)!
            let p = a.predictions[k]
            #expect(close(p.fit, run.fit.fitted[i], rel: 1e-12), "\(run.ids[r]) fit")
            #expect(close(p.predictionLow, pi.low[i], rel: 1e-12) && close(p.predictionHigh, pi.high[i], rel: 1e-12), "\(run.ids[r]) interval")
        }
        #expect(a.warnings.isEmpty)
        let saved = try SavedModel(contentsOf: path)
        #expect(saved.rowsUsed.count == 150 && saved.dataSHA256.count == 64 && saved.categorical.first?.reference == "County")
    }

    /// A category the model never saw, and a missing predictor: no prediction, a note that says
    /// why; the other rows are predicted.
    @Test func rowsThatCannotBePredictedAreNoted() throws {
        let run = try Self.netRun()
        let csv = """
            code,pop_18p,pop_65p,pop_85p,imd_score,council_type
            N1,100000,20000,3000,20,Unitary Authority
            N2,100000,20000,3000,20,Combined Authority
            N3,100000,,3000,20,County
            """
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "new.csv"), source: "new.csv")
        let coded = try run.fit.design.schema.modelMatrix(table: t)
        #expect(coded.rows == [0])
        #expect(coded.notes[1] == "council_type 'Combined Authority' is not a level the model was fitted with")
        #expect(coded.notes[2] == "missing pop_65p")
        #expect(coded.observed == nil)
        // The prediction is x·b written out: the intercept, the two shares, imd and the Unitary level.
        let b = run.fit.coefficients, names = run.fit.terms
        let col = { (n: String) in names.firstIndex(of: n)! }
        let want = b[col("(Intercept)")] + b[col("I(100 * pop_65p/pop_18p)")] * 20 + b[col("I(100 * pop_85p/pop_18p)")] * 3
            + b[col("imd_score")] * 20 + b[col("council_typeUnitary Authority")]
        #expect(close(try run.fit.predictor().predict(coded)[0].fit, want, rel: 1e-13))
    }

    /// `fit` gives the excluded councils the model's prediction (predict.lm), marked out of sample.
    @Test func excludedRowsArePredictedOutOfSample() throws {
        let a = try FitAnalysis(FitRequest(dataPath: Fixtures.path(ReferenceTests.councils), formula: Self.netFormula, id: "code",
                                           exclude: Self.excluded))
        let table = try a.residuals()
        let ref = try Fixtures.csv("reference/predict_councils_net.csv")
        let column = { (name: String) in table.header.firstIndex(of: name)! }
        for id in Self.excluded {
            let row = table.rows[a.run.ids.firstIndex(of: id)!]
            let want = ref.rows.first { $0[0] == id }!
            #expect(row[column("fitted")] == .number(rNumber(want[1])) || {
                if case let .number(x) = row[column("fitted")] { return close(x, rNumber(want[1]), rel: 1e-9) }
                return false
            }())
            if case let .number(lo) = row[column("pi_low")], case let .number(hi) = row[column("pi_high")] {
                #expect(close(lo, rNumber(want[5]), rel: 1e-9) && close(hi, rNumber(want[6]), rel: 1e-9))
            } else { Issue.record("\(id): no prediction interval") }
            #expect(row[column("note")] == .text("out of sample: excluded"))
            #expect(row[column("leverage")] == .empty && row[column("cooks_distance")] == .empty)
        }
    }

    /// `explain` decomposes the excluded councils with the fit's coefficients and means: the
    /// baseline, group effects, fitted value and interval as R's predict(type = "terms") and
    /// predict(interval = "prediction") on new data; justified and unjustified follow.
    @Test func explainDecomposesExcludedRowsOutOfSample() throws {
        let spec = try AnalysisSpec(contentsOf: Fixtures.path("specs/council-explain.yaml"))
        let a = try ExplainAnalysis(try ExplainRequest(spec: spec))
        let ref = try Fixtures.csv("reference/explain_out_of_sample.csv")
        let o = a.outOfSample
        #expect(o.rows.map { a.ids[$0] } == ref.rows.map { $0[0] })
        for (k, row) in ref.rows.enumerated() {
            #expect(close(a.rows.baseline, rNumber(row[1]), rel: 1e-9))
            for g in 0..<3 { #expect(close(o.effects[g][k], rNumber(row[2 + g]), rel: 1e-9), "\(row[0]) effect \(g)") }
            #expect(close(o.fitted[k], rNumber(row[5]), rel: 1e-9))
            #expect(close(o.observed[k], rNumber(row[6]), rel: 1e-12))
            #expect(close(o.predictionLow[k], rNumber(row[7]), rel: 1e-9) && close(o.predictionHigh[k], rNumber(row[8]), rel: 1e-9))
            // need and type are justified, practice is not.
            let justified = rNumber(row[1]) + rNumber(row[2]) + rNumber(row[3])
            #expect(close(o.justified[k], justified, rel: 1e-9))
            #expect(close(o.unjustified[k], rNumber(row[6]) - justified, rel: 1e-9))
        }
        #expect(a.notes[a.ids.firstIndex(of: "E09000001")!] == "out of sample: excluded")
    }
}
