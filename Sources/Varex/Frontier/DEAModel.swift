/// Which way a DEA measures a unit's distance to the frontier.
public enum DEAOrientation: String, Sendable, CaseIterable, Codable {
    /// How far every input could shrink, outputs held: θ ≤ 1 (Farrell input efficiency).
    case input
    /// How far every output could grow, inputs held: φ ≥ 1, reported as efficiency 1/φ ≤ 1.
    case output
}

/// The returns to scale of the technology the frontier envelops: the constraint on Σλ.
public enum ReturnsToScale: String, Sendable, CaseIterable, Codable {
    /// Any multiple of a combination of units is feasible (no constraint; CCR).
    case constant
    /// Only convex combinations: Σλ = 1 (BCC).
    case variable
    /// Scaled down, not up: Σλ ≤ 1.
    case nonIncreasing = "non-increasing"
    /// Scaled up, not down: Σλ ≥ 1.
    case nonDecreasing = "non-decreasing"

    /// The bounds on Σλ, or nil for constant returns.
    var lambdaSum: (lower: Double, upper: Double)? {
        switch self {
        case .constant: return nil
        case .variable: return (1, 1)
        case .nonIncreasing: return (-.infinity, 1)
        case .nonDecreasing: return (1, .infinity)
        }
    }
}

/// A DEA model: which way, what returns to scale.
public struct DEAModel: Sendable, Equatable, Codable {
    public var orientation: DEAOrientation
    public var returns: ReturnsToScale

    public init(orientation: DEAOrientation = .input, returns: ReturnsToScale = .variable) {
        self.orientation = orientation
        self.returns = returns
    }
}

/// The units DEA compares: discretionary inputs and outputs (every value positive), and the
/// conditions a unit cannot choose (Banker and Morey 1986), which are never scaled:
/// - `fixedInputs`: a favourable condition (more of it makes output easier), held as an input:
///   the reference composite has no more of it than the unit (Σλz ≤ z₀);
/// - `needs`: an unfavourable condition (more need makes the same outcome dearer): the reference
///   composite faces at least the unit's need (Σλz ≥ z₀), so a unit is never compared with
///   units facing less need.
/// Each matrix is units × variables, row-major as `[[Double]]` (one row a unit).
public struct DEAData: Sendable, Equatable {
    public let units: [String]
    public let inputs: [[Double]]
    public let outputs: [[Double]]
    public let fixedInputs: [[Double]]
    public let needs: [[Double]]
    public let inputNames: [String]
    public let outputNames: [String]
    public let fixedInputNames: [String]
    public let needNames: [String]

    /// Checks what DEA needs: at least 2 units, an input and an output, every input and output
    /// positive and finite, every condition finite, no variable constant. `locate(variable,
    /// unit)` names the cell of a bad value in messages.
    public init(units: [String],
                inputs: [String: [Double]], inputNames: [String],
                outputs: [String: [Double]], outputNames: [String],
                fixedInputs: [String: [Double]] = [:], fixedInputNames: [String] = [],
                needs: [String: [Double]] = [:], needNames: [String] = [],
                locate: (String, Int) -> CellLocation? = { _, _ in nil }) throws {
        let n = units.count
        guard n >= 2 else { throw FrontierError.tooFewUnits(n, minimum: 2) }
        guard !inputNames.isEmpty else { throw FrontierError.emptyVariables("input") }
        guard !outputNames.isEmpty else { throw FrontierError.emptyVariables("output") }
        func matrix(_ names: [String], _ columns: [String: [Double]], positive: Bool) throws -> [[Double]] {
            var m = [[Double]](repeating: [], count: n)
            for name in names {
                guard let c = columns[name], c.count == n else { throw FrontierError.invalidSetting("'\(name)' has no value for every unit") }
                for (j, v) in c.enumerated() where !(v.isFinite && (!positive || v > 0)) {
                    if positive || v.isNaN || v.isInfinite {
                        throw FrontierError.notPositive(variable: name, unit: units[j], value: v, location: locate(name, j))
                    }
                }
                if let first = c.first, c.allSatisfy({ $0 == first }) { throw FrontierError.constantVariable(name) }
                for j in 0..<n { m[j].append(c[j]) }
            }
            return m
        }
        self.units = units
        self.inputNames = inputNames
        self.outputNames = outputNames
        self.fixedInputNames = fixedInputNames
        self.needNames = needNames
        self.inputs = try matrix(inputNames, inputs, positive: true)
        self.outputs = try matrix(outputNames, outputs, positive: true)
        self.fixedInputs = try matrix(fixedInputNames, fixedInputs, positive: false)
        self.needs = try matrix(needNames, needs, positive: false)
    }

    public var count: Int { units.count }
}
