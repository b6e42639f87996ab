import VarexLinearAlgebra

/// Requests built from a spec (after any command-line flags have been written into it).
extension FitRequest {
    public init(spec: AnalysisSpec) throws {
        guard let data = spec.data else { throw SpecError.missingKey(path: spec.path, key: "data") }
        guard let formula = spec.formula else { throw SpecError.missingKey(path: spec.path, key: "formula") }
        let seName = spec.se ?? "classical"
        guard let covariance = CovarianceType(name: seName) else {
            throw SpecError.wrongType(path: spec.path, key: "se", line: 0, expected: "classical, HC0, HC1, HC2 or HC3", found: "'\(seName)'")
        }
        self.init(dataPath: spec.resolve(data), formula: formula, id: spec.id, weights: spec.weights, covariance: covariance,
                  level: spec.level ?? 0.95, references: spec.reference, tolerance: spec.tol ?? QRFactorization.defaultTolerance,
                  joins: spec.join.map { spec.resolve($0) })
    }
}

extension ExplainRequest {
    public init(spec: AnalysisSpec) throws {
        let higher = spec.higherIs ?? "worse"
        guard higher == "worse" || higher == "better" else {
            throw SpecError.wrongType(path: spec.path, key: "higher_is", line: 0, expected: "worse or better", found: "'\(higher)'")
        }
        self.init(fit: try FitRequest(spec: spec), joins: spec.join.map { spec.resolve($0) }, exclude: spec.exclude,
                  label: spec.label, groups: spec.groups, scale: spec.scale, higherIsBetter: higher == "better")
    }
}

extension AnalysisSpec {
    /// An empty spec (everything from the command line).
    public init(path: String = "") {
        self.path = path
    }
}
