import Varex

/// What a published page or workbook says about itself beyond its numbers: the labels it reads
/// by, the data's sources and licence lines, every input file with its SHA-256, the saved
/// analysis (spec) it ran, and anything else that defines it (an index's definition). Built by
/// the command from the spec and flags; the page and the workbook add the run's own seeds and
/// exclusions.
public struct Publication: Sendable {
    /// One input file and its checksum.
    public struct Input: Sendable, Equatable {
        public var path: String
        /// SHA-256 (lower-case hex), or why there is none (standard input, unreadable).
        public var sha256: String
        public init(path: String, sha256: String) { self.path = path; self.sha256 = sha256 }
    }

    public var labels: Labels
    /// The data's sources, each with its licence line, as the user gave them (spec `sources:`,
    /// `--source`).
    public var sources: [String]
    public var inputs: [Input]
    /// The spec's text, when the run read one.
    public var spec: String?
    /// Lines that define a derived input, such as the outcome index's measures and weights.
    public var definitions: [String]
    /// Columns the short table shows (spec `report.columns`); nil: the page's default.
    public var columns: [String]?

    public init(labels: Labels = Labels(), sources: [String] = [], inputs: [Input] = [], spec: String? = nil,
                definitions: [String] = [], columns: [String]? = nil) {
        self.labels = labels
        self.sources = sources
        self.inputs = inputs
        self.spec = spec
        self.definitions = definitions
        self.columns = columns
    }

    /// The input files' checksums, in order (the data first, then the joins); standard input
    /// and unreadable files say why they have none.
    public static func inputs(_ paths: [String]) -> [Input] {
        paths.map { path in
            if path == "-" { return Input(path: path, sha256: "not available (the data came from standard input)") }
            guard let sha = try? Checksum.sha256(path: path) else { return Input(path: path, sha256: "not available (unreadable)") }
            return Input(path: path, sha256: sha)
        }
    }

    /// "Varex 1.2.3", as every page and workbook records it.
    public static var madeBy: String { "Varex \(VarexVersion.string)" }
}

/// A row the analysis left out, and why.
public struct Exclusion: Sendable, Equatable {
    public var id: String
    public var label: String
    public var reason: String
    public init(id: String, label: String, reason: String) { self.id = id; self.label = label; self.reason = reason }
}

extension Exclusion {
    /// The rows of a table the model was not fitted to, and why: left out (a missing value, a
    /// condition) or excluded by the analyst and predicted out of sample.
    public static func rows(of table: OutputTable, label: Bool) -> [Exclusion] {
        guard let n = table.index(of: "note") else { return [] }
        return table.rows.compactMap { row in
            guard case let .text(note) = row[n], note.hasPrefix("left out") || note.hasPrefix("out of sample") else { return nil }
            let id: String, name: String
            if case let .text(s) = row[0] { id = s } else { id = "" }
            if label, row.count > 1, case let .text(s) = row[1] { name = s } else { name = "" }
            let reason = note.hasPrefix("out of sample: ")
                ? String(note.dropFirst("out of sample: ".count)) + " from the fit; its values are predicted from the model fitted to the others"
                : String(note.dropFirst("left out: ".count))
            return Exclusion(id: id, label: name, reason: reason)
        }
    }

}
