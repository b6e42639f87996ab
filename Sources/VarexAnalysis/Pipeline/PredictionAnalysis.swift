import Varex
import VarexLinearAlgebra

/// `varex predict`: a saved model applied to the rows of a CSV. Every row of the file appears;
/// a row without a prediction (a missing predictor, a category the model never saw) has a note.
/// A linear model's predictions are `predict.lm`'s; a GLM's are `predict.glm(se.fit = TRUE)`'s
/// on both scales, with Wald intervals on the link scale carried to the response scale; a
/// GLMM's are `predict.merMod`'s conditional and population means on both scales. Where
/// the file has the response, each row's observed value and error are written too.
public struct PredictionAnalysis: Sendable {
    public let model: SavedModel
    public let predictor: LinearPredictor
    public let table: Table
    public let ids: RowIDs
    public let coded: SchemaRows
    public let predictions: [Prediction]
    public let level: Double
    /// R's warnings for the same `predict.lm` call, in its words.
    public let warnings: [String]
    /// A saved GLM's family and link; its ``predictions`` are on the link scale.
    public let glm: (family: Family, link: Link)?
    /// A saved mixed model: each predicted row's conditional prediction (the population one plus
    /// its groups' conditional modes, as lme4's `predict(re.form = NULL)`; a level the fit never
    /// saw contributes nothing, as `allow.new.levels = TRUE`), and notes for those rows.
    public let conditional: [Double]?
    public let conditionalNotes: [Int: String]

    /// Predicts the rows of `dataPath` from the model saved at `modelPath`; `weights` names a
    /// column of prediction-variance weights (σ̂²/w), for a weighted model.
    public init(modelPath: String, dataPath: String, id: String?, level: Double, weights: String?) throws {
        guard level > 0, level < 1 else { throw RequestError.invalidLevel(level) }
        model = try SavedModel(contentsOf: modelPath)
        predictor = try model.predictor(path: modelPath)
        glm = try model.glm(path: modelPath)
        if glm != nil, weights != nil { throw RequestError.predictionWeightsWithGLM }
        table = try Table(contentsOf: dataPath)
        ids = try table.ids(column: id)
        var coded = try predictor.schema.modelMatrix(table: table)
        var extra: [Double]? = nil
        if let absorbed = model.absorbed {
            (coded, extra) = try Self.absorbedRows(absorbed, coded: coded, table: table, predictor: predictor)
        }
        var w: [Double]? = nil
        if let weights {
            let c = try table.column(weights)
            var notes = coded.notes
            for r in coded.rows {
                if c.isMissing[r] { notes[r] = "missing \(weights)" }
                else if c.kind == .text || !(c.values[r] > 0) || !c.values[r].isFinite {
                    throw ExplainError.notPositive(what: "the prediction weight in \(table.location(row: r, column: weights))",
                                                   value: Double(c.values[r]))
                }
            }
            let kept = Set(coded.rows.filter { notes[$0] == nil })
            extra = extra.map { e in coded.rows.indices.filter { kept.contains(coded.rows[$0]) }.map { e[$0] } }
            coded = coded.keeping { notes[$0] == nil }
            coded = SchemaRows(rows: coded.rows, x: coded.x, observed: coded.observed, notes: notes, offset: coded.offset)
            w = coded.rows.map { Double(c.values[$0]) }
        }
        self.coded = coded
        self.level = level
        predictions = predictor.predict(coded, level: level, weights: w, extraVariance: extra)
        if let terms = model.randomTerms {
            (conditional, conditionalNotes) = try Self.conditionalFits(terms: terms, predictor: predictor, predictions: predictions,
                                                                       coded: coded, table: table, path: modelPath)
        } else {
            conditional = nil
            conditionalNotes = [:]
        }
        var warnings: [String] = []
        if predictor.isRankDeficient { warnings.append("prediction from a rank-deficient fit may be misleading") }
        if model.weights != nil && weights == nil {
            warnings.append("Assuming constant prediction variance even though model fit is weighted")
        }
        self.warnings = warnings
    }

    /// An absorbed fit's rows: each coded row's columns less the parts the within transformation
    /// took out at its levels, without the intercept, and the response's parts as its offset, so
    /// the prediction is x'β + the levels' effects; the extra variance σ̂²·d'(D'WD)⁻d of the
    /// combination of levels (``AbsorbedEffects/varianceFactor(_:levelWeights:pairWeights:)``).
    /// A row whose level the fit never saw, that has none, or whose two levels the fitted data
    /// do not connect (their effects' sum is not identified) gets no prediction and a note.
    static func absorbedRows(_ a: SavedModel.AbsorbedModel, coded: SchemaRows, table: Table,
                             predictor: LinearPredictor) throws -> (SchemaRows, [Double]) {
        let full = predictor.schema.expectedColumnNames
        let keep = full.indices.filter { full[$0] != "(Intercept)" }
        let columns = try a.factors.map { try table.column($0) }
        let index = a.levels.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        let pairs = a.pairs.map { (first: $0.first, second: $0.second, weight: $0.weight) }
        var notes = coded.notes
        var levelOf: [Int: [Int]] = [:]
        var factors: [[Int]: Double?] = [:]
        for r in coded.rows {
            var found: [Int] = []
            for (f, c) in columns.enumerated() {
                if c.isMissing[r] { notes[r] = "missing \(c.name)"; break }
                guard let l = index[f][c.cells[r]] else {
                    notes[r] = "\(c.name) '\(MessageText.quote(c.cells[r]))' is not a level the model absorbed"
                    break
                }
                found.append(l)
            }
            guard found.count == columns.count else { continue }
            if factors[found] == nil { factors[found] = AbsorbedEffects.varianceFactor(found, levelWeights: a.levelWeights, pairWeights: pairs) }
            if factors[found]! == nil {
                notes[r] = "its levels are in different connected sets of the fitted data: the sum of their effects is not identified"
                continue
            }
            levelOf[r] = found
        }
        let rows = coded.rows.enumerated().filter { levelOf[$0.element] != nil }
        let m = rows.count, p = keep.count
        var storage = [Extended](repeating: 0, count: m * p)
        var offset = [Extended](repeating: 0, count: m), extra = [Double](repeating: .nan, count: m)
        for (k, (i, r)) in rows.enumerated() {
            let levels = levelOf[r]!
            for (j, source) in keep.enumerated() {
                var v = coded.x[i, source]
                for (f, l) in levels.enumerated() { v -= Extended(a.columnParts[j][f][l]) }
                storage[k + j * m] = v
            }
            offset[k] = levels.enumerated().reduce(coded.offset?[i] ?? 0) { $0 + Extended(a.responseParts[$1.offset][$1.element]) }
            extra[k] = predictor.sigma * predictor.sigma * factors[levels]!!
        }
        let out = SchemaRows(rows: rows.map(\.element), x: ExtendedMatrix(rows: m, columns: p, columnMajor: storage),
                             observed: coded.observed.map { y in rows.map { y[$0.offset] } }, notes: notes, offset: offset)
        return (out, extra)
    }

    /// Each predicted row's population prediction plus its groups' conditional modes times its
    /// random-effect values; a row whose level the fit never saw keeps the population part and
    /// gets a note.
    static func conditionalFits(terms: [SavedModel.RandomTermModel], predictor: LinearPredictor, predictions: [Prediction],
                                coded: SchemaRows, table: Table, path: String) throws -> ([Double], [Int: String]) {
        let formula = predictor.schema.formula
        let response = formula.response.map { formula.variables[$0].label } ?? "y"
        var fits = predictions.map(\.fit)
        var notes: [Int: [String]] = [:]
        let position = Dictionary(uniqueKeysWithValues: coded.rows.enumerated().map { ($1, $0) })
        for term in terms {
            let schema = try term.schema(response: response, path: path)
            let z = try schema.modelMatrix(table: table)
            let groups = try term.grouping.map { try table.column($0) }
            let index = Dictionary(uniqueKeysWithValues: term.levels.enumerated().map { ($1, $0) })
            for (k, r) in z.rows.enumerated() {
                guard let i = position[r] else { continue }
                let label = groups.map { $0.cells[r] }.joined(separator: ":")
                guard let l = index[label] else {
                    notes[r, default: []].append("\(term.group) '\(label)' is a new level: no conditional mode (as allow.new.levels = TRUE)")
                    continue
                }
                for e in term.columns.indices { fits[i] += Double(z.x[k, e]) * term.modes[l][e] }
            }
            for (r, why) in z.notes where position[r] != nil { notes[r, default: []].append(why) }
        }
        return (fits, notes.mapValues { $0.joined(separator: "; ") })
    }

    /// The intervals' quantile for a GLM: normal for a family with a fixed dispersion, t on
    /// the residual df where it is estimated (as the coefficient tests).
    var glmQuantile: Double {
        guard let glm else { return .nan }
        let tail = 1 - (1 - level) / 2
        return glm.family.usesZ ? Normal.quantile(tail) : StudentT(df: Double(predictor.dfResidual)).quantile(tail)
    }

    /// Each predicted row's fitted value on the response scale (the linear model's fit).
    public var responseFits: [Double] {
        if let conditional { return glm.map { g in conditional.map(g.link.mu) } ?? conditional }
        guard let glm else { return predictions.map(\.fit) }
        return predictions.map { glm.link.mu($0.fit) }
    }

    /// The observed response of each predicted row, when the file has it (NaN where missing);
    /// nil for a file without the response or a cbind() response.
    public var observed: [Double]? {
        guard let y = coded.observed, !predictor.schema.formula.hasCountPair else { return nil }
        return y.map { Double($0) }
    }

    /// With the response in the file: the root mean squared error of the predictions and, for a
    /// linear model, how many observed values fall inside their prediction intervals.
    public var accuracy: (n: Int, rmse: Double, covered: Int?)? {
        guard let y = observed else { return nil }
        let fits = responseFits
        var n = 0, sum = 0.0, covered = 0
        for (k, p) in predictions.enumerated() where y[k].isFinite && fits[k].isFinite {
            n += 1
            sum += (y[k] - fits[k]) * (y[k] - fits[k])
            if p.predictionLow <= y[k] && y[k] <= p.predictionHigh { covered += 1 }
        }
        guard n > 0 else { return nil }
        return (n, (sum / Double(n)).squareRoot(), glm == nil && conditional == nil ? covered : nil)
    }

    /// One row per input row: id, the fitted value, its standard error, the confidence and
    /// prediction intervals (a GLM: the response-scale fit, its delta-method SE, the interval,
    /// then the link-scale fit and SE), `observed` and `error` when the file has the response,
    /// and a note for a row without a prediction.
    public func table(idName: String, labels: [String]?, labelName: String?) -> OutputTable {
        let pct = NumberFormat.significant(level * 100, 4)
        var columns: [String]
        var cells: [[Cell]]
        if let conditional, let glm {
            // A GLMM: the conditional and population means on the response scale, the
            // population mean's delta-method SE and its Wald interval carried from the link
            // scale, then both linear predictors and the population one's SE.
            columns = ["fit", "fit_population", "se_fit_population", "ci\(pct)_low", "ci\(pct)_high", "fit_link",
                       "fit_population_link", "se_fit_population_link"]
            let q = Normal.quantile(1 - (1 - level) / 2)
            cells = zip(predictions, conditional).map { p, c in
                let a = glm.link.mu(p.fit - q * p.standardError), b = glm.link.mu(p.fit + q * p.standardError)
                return [.finite(glm.link.mu(c)), .finite(glm.link.mu(p.fit)), .finite(abs(glm.link.muEta(p.fit)) * p.standardError),
                        .finite(min(a, b)), .finite(max(a, b)), .finite(c), .finite(p.fit), .finite(p.standardError)]
            }
        } else if let conditional {
            columns = ["fit", "fit_population", "se_fit_population", "ci\(pct)_low", "ci\(pct)_high"]
            let q = Normal.quantile(1 - (1 - level) / 2)
            cells = zip(predictions, conditional).map { p, c in
                [.finite(c), .finite(p.fit), .finite(p.standardError), .finite(p.fit - q * p.standardError), .finite(p.fit + q * p.standardError)]
            }
        } else if let glm {
            columns = ["fit", "se_fit", "ci\(pct)_low", "ci\(pct)_high", "fit_link", "se_fit_link"]
            let q = glmQuantile
            cells = predictions.map { p in
                let mu = glm.link.mu(p.fit)
                let a = glm.link.mu(p.fit - q * p.standardError), b = glm.link.mu(p.fit + q * p.standardError)
                return [.finite(mu), .finite(abs(glm.link.muEta(p.fit)) * p.standardError), .finite(min(a, b)), .finite(max(a, b)),
                        .finite(p.fit), .finite(p.standardError)]
            }
        } else {
            columns = ["fit", "se_fit", "ci\(pct)_low", "ci\(pct)_high", "pi\(pct)_low", "pi\(pct)_high"]
            cells = predictions.map { p in
                [.finite(p.fit), .finite(p.standardError), .finite(p.confidenceLow), .finite(p.confidenceHigh),
                 .finite(p.predictionLow), .finite(p.predictionHigh)]
            }
        }
        if let y = observed {
            columns += ["observed", "error"]
            let fits = responseFits
            for k in cells.indices { cells[k] += [.finite(y[k]), .finite(y[k] - fits[k])] }
        }
        let noPrediction = coded.notes.sorted { $0.key < $1.key }.map { DroppedRow(row: $0.key, reason: $0.value) }
        var out = OutputTable.perRow(ids: ids, idName: idName, labels: labels, labelName: labelName, columns: columns,
                                     used: coded.rows, cells: cells, leftOut: [])
        for d in noPrediction { out.rows[d.row][out.header.count - 1] = .text("no prediction: " + d.reason) }
        for (r, note) in conditionalNotes { out.rows[r][out.header.count - 1] = .text(note) }
        return out
    }
}
