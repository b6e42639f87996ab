import Varex

/// Which DFBETAS columns the residual table carries (`--dfbetas all|none|TERM,...`). By default
/// every coefficient's, as R's `influence.measures`, up to ``automaticLimit`` coefficients and
/// ``automaticCellLimit`` cells; past either, none (a million-row model with a 152-level factor
/// would otherwise write gigabytes), and the summary says what was left out.
public enum DFBetasChoice: Sendable, Equatable {
    case automatic
    case all
    case none
    /// Formula terms (`council_type`: every column of the term) or coefficient names.
    case terms([String])

    /// The most coefficients whose DFBETAS the default writes.
    public static let automaticLimit = 50
    /// The most DFBETAS cells (rows × coefficients) the default writes.
    public static let automaticCellLimit = 100_000_000

    /// Parses `all`, `none` or a comma-separated list of terms.
    public init(_ text: String) {
        switch text.trimmingSpaces.lowercased() {
        case "all": self = .all
        case "none": self = .none
        default: self = .terms(text.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty })
        }
    }

    /// The design columns (indices) whose DFBETAS are written.
    public func columns(of fit: LinearFit) throws -> [Int] {
        try columns(terms: fit.terms, rows: fit.n, formula: fit.design.formula, assign: fit.design.assign)
    }

    /// The columns of a GLM's residual table.
    public func columns(of fit: GeneralizedLinearFit) throws -> [Int] {
        try columns(terms: fit.terms, rows: fit.n, formula: fit.design.formula, assign: fit.design.assign)
    }

    /// The columns of a fit read in blocks (its rows counted as the file's).
    public func columns(of fit: StreamingFit) throws -> [Int] {
        try columns(terms: fit.columnNames, rows: fit.tableRowCount, formula: fit.formula, assign: fit.assign)
    }

    /// The columns of a GLM read in blocks (its rows counted as the file's).
    public func columns(of fit: StreamingGLM) throws -> [Int] {
        try columns(terms: fit.columnNames, rows: fit.tableRowCount, formula: fit.formula, assign: fit.assign)
    }

    /// The columns among `terms` (the design's column names, each of formula term `assign`),
    /// for a table of `rows` rows.
    public func columns(terms: [String], rows: Int, formula: Formula, assign: [Int]) throws -> [Int] {
        let all = Array(terms.indices)
        switch self {
        case .all: return all
        case .none: return []
        case .automatic:
            let small = all.count <= Self.automaticLimit && all.count * rows <= Self.automaticCellLimit
            return small ? all : []
        case let .terms(names):
            var chosen = Set<Int>()
            for name in names {
                let squeezed = name.filter { $0 != " " }
                if let t = formula.terms.firstIndex(where: { $0.label.filter { $0 != " " } == squeezed }) {
                    chosen.formUnion(all.filter { assign[$0] == t })
                } else if let j = terms.firstIndex(of: name) {
                    chosen.insert(j)
                } else {
                    throw DFBetasError.unknownTerm(name, terms: ["(Intercept)"].filter { terms.contains($0) } + formula.terms.map(\.label))
                }
            }
            return chosen.sorted()
        }
    }

    /// The summary's line when the default left some out.
    public static func leftOutLine(written: Int, of total: Int) -> String? {
        guard written < total else { return nil }
        return """
            DFBETAS: \(written == 0 ? "none" : "\(written) of \(total) coefficients'") written to the residual table \
            (\(total) coefficients); give --dfbetas all, or --dfbetas TERM,... for some
            """
    }
}

/// A `--dfbetas` term the model does not have.
public enum DFBetasError: VarexError, Equatable {
    case unknownTerm(String, terms: [String])
    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self {
        case let .unknownTerm(name, terms):
            return "--dfbetas \(name): the model has no such term; its terms are \(terms.joined(separator: ", ")) (or all, none)"
        }
    }
}
