import Varex
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Yams
import VarexLinearAlgebra

/// A saved analysis: everything `varex fit|explain|rank|report` need, read from YAML. Paths are
/// relative to the spec file. Any key may be left out and given on the command line instead;
/// flags on the command line override the spec.
///
/// ```yaml
/// data: asc_2018_19.csv
/// id: code
/// label: name
/// formula: asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type
/// se: HC3
/// justified:
///   need: [log(pop_85p/pop_18p), imd_score]
///   type: [council_type]
/// scale: pop_18p
/// rank: {bootstrap: 1000, seed: 7}
/// ```
public struct AnalysisSpec: Sendable, Equatable {
    public var path: String
    public var data: String?
    public var id: String?
    public var label: String?
    public var formula: String?
    public var weights: String?
    public var se: CovarianceType?
    /// A GLM's family and link (`family: poisson`, `link: log`), as `--family` and `--link`.
    public var family: Family?
    public var link: Link?
    public var level: Double?
    public var tol: Double?
    public var reference: [String: String] = [:]
    public var join: [String] = []
    public var exclude: [String] = []
    /// A row condition, as R's `subset` (`imd_score > 20 & council_type != "County"`).
    public var subset: String?
    public var keep: [String] = []
    /// Columns that cluster the rows (`cluster: [code, financial_year]`), for CR0/CR1.
    public var cluster: [String] = []
    /// The denominator df of clustered tests (`cluster_df: residual` for R's n − k).
    public var clusterDF: ClusterTestDF?
    /// Factors whose fixed effects are absorbed (`absorb: [code]`).
    public var absorb: [String] = []
    /// The unit and period columns of a panel (`explain` over several years).
    public var panel: String?
    public var time: String?
    public var justified: [(String, [String])] = []
    public var unjustified: [(String, [String])] = []
    public var scale: String?
    public var higherIs: HigherIs?
    /// `rank_order: best-first`: rank 1 is the best unit (default worst-first).
    public var rankOrder: RankOrder?
    public var rank = RankSpec()
    public var report = ReportSpec()
    /// Readable labels for columns and terms (`labels: {imd_score: "Deprivation (IMD score)"}`),
    /// used by the report and the workbook.
    public var labels: [String: String] = [:]
    /// The data's sources, each with its licence line, printed in the report's and workbook's notes.
    public var sources: [String] = []
    /// An outcome index added to the data as a column before the fit (``IndexDefinition``).
    public var index: IndexDefinition?

    public struct RankSpec: Sendable, Equatable {
        public var bootstrap: Int?
        public var seed: Int?
        public var resample: Resampling?
    }

    public struct ReportSpec: Sendable, Equatable {
        public var title: String?
        public var funnelIndicator: String?
        public var funnelSE: String?
        public var funnelMOE: String?
        public var funnelDenominator: String?
        public var funnelKind: IndicatorKindName?
        public var funnelOverdispersion: Overdispersion?
        /// The columns of the report's short table, in order (`columns: [rank, name, unjustified_gbp]`).
        public var columns: [String]?
    }

    public static func == (a: AnalysisSpec, b: AnalysisSpec) -> Bool {
        a.path == b.path && a.data == b.data && a.formula == b.formula && a.id == b.id && a.label == b.label
            && a.justified.map(\.0) == b.justified.map(\.0) && a.justified.map(\.1) == b.justified.map(\.1)
            && a.unjustified.map(\.0) == b.unjustified.map(\.0) && a.unjustified.map(\.1) == b.unjustified.map(\.1)
            && a.rank == b.rank && a.report == b.report && a.join == b.join && a.exclude == b.exclude && a.subset == b.subset && a.family == b.family && a.link == b.link && a.keep == b.keep && a.cluster == b.cluster && a.clusterDF == b.clusterDF
            && a.panel == b.panel && a.time == b.time && a.absorb == b.absorb && a.labels == b.labels && a.sources == b.sources && a.index == b.index
    }

    static let topKeys = ["data", "id", "label", "formula", "weights", "se", "level", "tol", "reference", "join", "exclude", "subset", "family", "link", "keep", "cluster", "cluster_df",
                          "panel", "time", "absorb", "justified", "unjustified", "scale", "higher_is", "rank_order", "rank", "report",
                          "labels", "sources", "index"]

    /// A list of one or two columns (`cluster`).
    static func oneOrTwoColumns(_ reader: SpecReader, _ value: Node, key: String) throws -> [String] {
        let columns = try reader.strings(value, key: key)
        guard columns.count <= 2 else {
            throw SpecError.wrongType(path: reader.path, key: key, line: reader.line(value), expected: "one or two columns",
                                      found: "\(columns.count) columns")
        }
        return columns
    }

    /// Reads and checks a spec file: unknown keys and values of the wrong type are errors that
    /// name the key and its line.
    public init(contentsOf path: String) throws {
        guard let bytes = try? FileBytes.read(path: path) else { throw SpecError.unreadable(path: path) }
        try self.init(yaml: String(decoding: bytes, as: UTF8.self), path: path)
    }

    public init(yaml: String, path: String) throws {
        self.path = path
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch { throw SpecError.notYAML(path: path, message: "\(error)".split(separator: "\n").first.map(String.init) ?? "") }
        guard let root = node else { throw SpecError.missingKey(path: path, key: "formula") }
        let reader = SpecReader(path: path)
        let top = try reader.mapping(root, key: "(top level)", allowed: Self.topKeys)
        for (key, value) in top {
            switch key {
            case "data": data = try reader.string(value, key: key)
            case "id": id = try reader.string(value, key: key)
            case "label": label = try reader.string(value, key: key)
            case "formula": formula = try reader.string(value, key: key)
            case "weights": weights = try reader.string(value, key: key)
            case "se": se = try reader.choice(value, key: key)
            case "family": family = try reader.choice(value, key: key)
            case "link": link = try reader.choice(value, key: key)
            case "level": level = try reader.double(value, key: key, in: 0...1, open: true, expected: "a number strictly between 0 and 1")
            case "tol": tol = try reader.double(value, key: key, in: 0...1, open: true, expected: "a number strictly between 0 and 1")
            case "scale": scale = try reader.string(value, key: key)
            case "panel": panel = try reader.string(value, key: key)
            case "absorb": absorb = try reader.strings(value, key: key)
            case "time": time = try reader.string(value, key: key)
            case "higher_is": higherIs = try reader.choice(value, key: key)
            case "rank_order": rankOrder = try reader.choice(value, key: key)
            case "reference":
                for (k, v) in try reader.mapping(value, key: key, allowed: nil) { reference[k] = try reader.string(v, key: "reference.\(k)") }
            case "join": join = try reader.strings(value, key: key)
            case "sources": sources = try reader.strings(value, key: key)
            case "index": index = try reader.index(value)
            case "labels":
                for (k, v) in try reader.mapping(value, key: key, allowed: nil) { labels[k] = try reader.string(v, key: "labels.\(k)") }
            case "exclude": exclude = try reader.strings(value, key: key)
            case "subset": subset = try reader.string(value, key: key)
            case "keep": keep = try reader.strings(value, key: key)
            case "cluster": cluster = try Self.oneOrTwoColumns(reader, value, key: key)
            case "cluster_df": clusterDF = try reader.choice(value, key: key)
            case "justified", "unjustified":
                let groups = try reader.mapping(value, key: key, allowed: nil).map { (name, terms) in
                    (name, try reader.strings(terms, key: "\(key).\(name)"))
                }
                if key == "justified" { justified = groups } else { unjustified = groups }
            case "rank":
                for (k, v) in try reader.mapping(value, key: key, allowed: ["bootstrap", "seed", "resample"]) {
                    switch k {
                    case "bootstrap":
                        rank.bootstrap = try reader.int(v, key: "rank.bootstrap", in: BootstrapSettings.replicateRange)
                    case "seed": rank.seed = try reader.int(v, key: "rank.seed", in: 0...Int.max)
                    default: rank.resample = try reader.choice(v, key: "rank.resample")
                    }
                }
            default: // report
                for (k, v) in try reader.mapping(value, key: key, allowed: ["title", "funnel", "columns"]) {
                    if k == "title" { report.title = try reader.string(v, key: "report.title"); continue }
                    if k == "columns" { report.columns = try reader.strings(v, key: "report.columns"); continue }
                    for (fk, fv) in try reader.mapping(v, key: "report.funnel", allowed: ["indicator", "se", "moe", "denominator", "kind", "overdispersion"]) {
                        let key = "report.funnel.\(fk)"
                        switch fk {
                        case "indicator": report.funnelIndicator = try reader.string(fv, key: key)
                        case "se": report.funnelSE = try reader.string(fv, key: key)
                        case "moe": report.funnelMOE = try reader.string(fv, key: key)
                        case "denominator": report.funnelDenominator = try reader.string(fv, key: key)
                        case "kind": report.funnelKind = try reader.choice(fv, key: key)
                        default: report.funnelOverdispersion = try reader.choice(fv, key: key)
                        }
                    }
                }
            }
        }
    }

    /// A path in the spec, resolved against the spec's folder (absolute paths stay as they are).
    public func resolve(_ relative: String) -> String {
        if relative.hasPrefix("/") || relative == "-" { return relative }
        guard let slash = path.lastIndex(of: "/") else { return relative }
        return String(path[...slash]) + relative
    }

    /// The term groups, justified first.
    public var groups: [TermGroup] {
        justified.map { TermGroup(name: $0.0, justified: true, terms: $0.1) }
            + unjustified.map { TermGroup(name: $0.0, justified: false, terms: $0.1) }
    }
}

/// Typed reading of YAML nodes with errors that name the key and line.
struct SpecReader {
    let path: String

    func line(_ n: Node) -> Int { n.mark?.line ?? 0 }

    func describe(_ n: Node) -> String {
        switch n {
        case let .scalar(s): return n.null != nil ? "nothing (null)" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func mapping(_ n: Node, key: String, allowed: [String]?) throws -> [(String, Node)] {
        guard case let .mapping(m) = n else { throw SpecError.notAMapping(path: path, key: key, line: line(n)) }
        var out: [(String, Node)] = []
        for (k, v) in m {
            guard case let .scalar(ks) = k else { throw SpecError.wrongType(path: path, key: key, line: line(k), expected: "a name", found: describe(k)) }
            if let allowed, !allowed.contains(ks.string) {
                throw SpecError.unknownKey(path: path, key: ks.string, line: line(k), known: allowed)
            }
            out.append((ks.string, Self.placed(v, at: k)))
        }
        return out
    }

    /// A value that stands earlier in the file than its key came through an alias (`*name`),
    /// and carries its anchor's line: give it the key's line, where the user wrote it.
    static func placed(_ v: Node, at key: Node) -> Node {
        guard let keyLine = key.mark?.line, let valueLine = v.mark?.line, valueLine < keyLine else { return v }
        switch v {
        case var .scalar(s): s.mark = key.mark; return .scalar(s)
        case var .mapping(m): m.mark = key.mark; return .mapping(m)
        case var .sequence(q): q.mark = key.mark; return .sequence(q)
        case .alias: return v
        }
    }

    func string(_ n: Node, key: String) throws -> String {
        // `key: ~` or `key:` is YAML's null, not a text value named "~".
        guard case let .scalar(s) = n, n.null == nil else { throw SpecError.wrongType(path: path, key: key, line: line(n), expected: "a text value", found: describe(n)) }
        return s.string
    }

    func strings(_ n: Node, key: String) throws -> [String] {
        if case .scalar = n { return [try string(n, key: key)] }
        guard case let .sequence(seq) = n else { throw SpecError.wrongType(path: path, key: key, line: line(n), expected: "a list", found: describe(n)) }
        return try seq.map { try string($0, key: key) }
    }

    func double(_ n: Node, key: String, in range: ClosedRange<Double>? = nil, open: Bool = false, expected: String = "a number") throws -> Double {
        guard case let .scalar(s) = n, let v = Double(s.string), v.isFinite else {
            throw SpecError.wrongType(path: path, key: key, line: line(n), expected: expected, found: describe(n))
        }
        if let range, !range.contains(v) || (open && (v == range.lowerBound || v == range.upperBound)) {
            throw SpecError.wrongType(path: path, key: key, line: line(n), expected: expected, found: describe(n))
        }
        return v
    }

    func int(_ n: Node, key: String, in range: ClosedRange<Int>) throws -> Int {
        let expected = range.upperBound == Int.max ? "a whole number, at least \(range.lowerBound)"
            : "a whole number from \(range.lowerBound) to \(range.upperBound)"
        guard case let .scalar(s) = n, let v = Int(s.string), range.contains(v) else {
            throw SpecError.wrongType(path: path, key: key, line: line(n), expected: expected, found: describe(n))
        }
        return v
    }

    /// The `index:` section: measures with their directions, weights, normalisation, the
    /// fewest measures, the column's name and the sensitivity of its ranks.
    func index(_ n: Node) throws -> IndexDefinition {
        var name = "outcome_index", measures: [Measure] = [], weights: [String: Double] = [:]
        var normalisation = Normalisation.z, minimum = 1, sensitivity: IndexDefinition.SensitivitySettings? = nil
        let keys = ["name", "measures", "weights", "normalisation", "min_measures", "sensitivity"]
        let entries = try mapping(n, key: "index", allowed: keys)
        for (k, v) in entries {
            let key = "index.\(k)"
            switch k {
            case "name": name = try string(v, key: key)
            case "measures":
                // `{ascof_1a: +, ascof_2a2: "-"}` or `[ascof_1a:+, ascof_2a2:-]`.
                if case .mapping = v {
                    for (column, direction) in try mapping(v, key: key, allowed: nil) {
                        let d = try string(direction, key: "\(key).\(column)")
                        guard ["+", "-", "higher", "lower"].contains(d) else {
                            throw SpecError.wrongType(path: path, key: "\(key).\(column)", line: line(direction),
                                                      expected: "+ or \"-\" (higher or lower is better; quote the minus)", found: describe(direction))
                        }
                        measures.append(Measure(column: column, higherIsBetter: d == "+" || d == "higher"))
                    }
                } else {
                    for text in try strings(v, key: key) {
                        do { measures.append(try Measure.parse(text)) } catch {
                            throw SpecError.wrongType(path: path, key: key, line: line(v), expected: "COLUMN:+ or COLUMN:-", found: "'\(text)'")
                        }
                    }
                }
            case "weights":
                for (column, w) in try mapping(v, key: key, allowed: nil) {
                    weights[column] = try double(w, key: "\(key).\(column)", in: 0...Double.greatestFiniteMagnitude, open: true,
                                                 expected: "a positive number")
                }
            case "normalisation": normalisation = try choice(v, key: key)
            case "min_measures": minimum = try int(v, key: key, in: 1...Int.max)
            default:
                var draws = 0, spread = 0.2, seed: UInt64 = 1, sampled = false
                for (sk, sv) in try mapping(v, key: key, allowed: ["draws", "weight_spread", "seed", "sampling_error"]) {
                    let skey = "\(key).\(sk)"
                    switch sk {
                    case "draws": draws = try int(sv, key: skey, in: 2...BootstrapSettings.replicateRange.upperBound)
                    case "weight_spread": spread = try double(sv, key: skey, in: 0...10, expected: "a number from 0 to 10")
                    case "seed": seed = UInt64(try int(sv, key: skey, in: 0...Int.max))
                    default: sampled = (try choice(sv, key: skey) as SamplingErrorSource) == .auto
                    }
                }
                guard draws > 0 else { throw SpecError.missingKey(path: path, key: "\(key).draws") }
                sensitivity = .init(draws: draws, spread: spread, seed: seed, samplingError: sampled)
            }
        }
        guard !measures.isEmpty else { throw SpecError.missingKey(path: path, key: "index.measures") }
        return IndexDefinition(name: name, measures: measures, weights: weights, normalisation: normalisation, minimumMeasures: minimum,
                               sensitivity: sensitivity)
    }

    /// A word naming one of `T`'s values, by the same parser the command line uses.
    func choice<T: NamedChoice>(_ n: Node, key: String) throws -> T {
        guard case let .scalar(s) = n, let v = T(name: s.string) else {
            throw SpecError.wrongType(path: path, key: key, line: line(n), expected: T.choices, found: describe(n))
        }
        return v
    }
}
