import Foundation
import Varex
/// One number (or text) that differs between a fixture and a re-run.
public struct Difference: Sendable, Equatable {
    public let file: String
    /// The row's id (first column), or the JSON key.
    public let row: String
    public let column: String
    public let expected: String
    public let got: String
    /// |got − expected| / |expected|, or nil for text.
    public let relativeError: Double?

    /// What a reader of a published table looks for first: a rank, then an amount in pounds.
    public enum Kind: Int, Sendable, Comparable {
        case rank, pounds, other
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// A rank column (`rank`, `rank_…`, `…_rank`, `median_rank`), a pound column (`…_gbp`), or
    /// anything else.
    public var kind: Kind {
        if column == "rank" || column.hasPrefix("rank_") || column.hasSuffix("_rank") { return .rank }
        if column.hasSuffix("_gbp") || column.contains("_gbp_") { return .pounds }
        return .other
    }

    /// |got − expected| for numbers (a rank's places, a pound column's pounds), else ∞.
    var absoluteChange: Double {
        guard let e = Double(expected), let g = Double(got) else { return .infinity }
        return abs(g - e)
    }
}

/// A data cell that is not what the fixture's copy of the data holds.
public struct DataChange: Sendable, Equatable {
    public let file: String
    /// The row's id (the spec's `id` column), or its row number.
    public let row: String
    public let column: String
    /// nil for a row the fixture's data did not have (`got`: the row is new) or lost.
    public let expected: String?
    public let got: String?
}

/// A line of the spec that is not what the fixture's copy of it says (a weight, a formula, an
/// exclusion): the line number in the spec now (or in the fixture's, for a removed line).
public struct SpecChange: Sendable, Equatable {
    public let line: Int
    /// nil for a line added since the fixture.
    public let was: String?
    /// nil for a line removed since the fixture.
    public let now: String?
}

/// The result of checking a saved analysis against its fixture.
public struct VerificationReport: Sendable {
    /// The spec's lines that differ from the fixture's copy: named first, as the likely cause.
    public var specChanges: [SpecChange] = []
    /// Which Varex made the fixture and which re-ran it, when they differ (a note, not a failure).
    public var versions: (fixture: String, now: String)? = nil
    /// Data files whose checksum is not the one recorded: (file, recorded, now).
    public let dataChanged: [(file: String, expected: String, got: String)]
    /// The cells of changed data that differ from the fixture's copy (when it has one).
    public let dataChanges: [DataChange]
    /// Result differences: ranks first (the largest move first), then pound columns (the largest
    /// change first), then the rest by relative error (text differences first of all).
    public let differences: [Difference]
    /// Files the re-run produced that the fixture lacks.
    public let missingFiles: [String]
    /// Files in the fixture that the re-run did not produce.
    public let extraFiles: [String]
    public let rtol: Double
    public let atol: Double

    public var passed: Bool { dataChanged.isEmpty && differences.isEmpty && missingFiles.isEmpty && extraFiles.isEmpty }

    /// A readable account: the data-changed message first, then a table of what differs.
    public var description: String {
        var o = ""
        if let v = versions { o += "note: the fixture was made by \(v.fixture); this is \(v.now)\n" }
        if passed {
            if !specChanges.isEmpty { o += "note: the spec differs from the fixture's copy in \(specChanges.count) line\(specChanges.count == 1 ? "" : "s"), with the same results\n" }
            return o + "verified: every number within rtol \(NumberFormat.roundTrip(rtol)), atol \(NumberFormat.roundTrip(atol))\n"
        }
        if !specChanges.isEmpty {
            o += "SPEC CHANGED: \(specChanges.count) line\(specChanges.count == 1 ? " of the spec differs" : "s of the spec differ") from the fixture's copy:\n"
            var rows = [["line", "was", "now"]]
            for c in specChanges.prefix(20) { rows.append([String(c.line), c.was ?? "(not there)", c.now ?? "(removed)"]) }
            o += TextSummary.aligned(rows, leftFirst: true)
        }
        for d in dataChanged {
            o += """
                DATA CHANGED: \(d.file) is not the data the fixture was made from (sha256 \
                \(d.expected.prefix(12))… recorded, \(d.got.prefix(12))… now); the differences below \
                follow from that\n
                """
        }
        if !dataChanges.isEmpty {
            o += "\(dataChanges.count) data cell\(dataChanges.count == 1 ? "" : "s") changed:\n"
            var rows = [["file", "row", "column", "was", "now"]]
            for c in dataChanges.prefix(40) {
                rows.append([c.file, c.row, c.column, c.expected.map(MessageText.quote) ?? "(no such row)", c.got.map(MessageText.quote) ?? "(row removed)"])
            }
            o += TextSummary.aligned(rows, leftFirst: true)
            if dataChanges.count > 40 { o += "… and \(dataChanges.count - 40) more\n" }
        }
        for m in missingFiles { o += "missing: \(m)\n" }
        for e in extraFiles { o += "not produced by the re-run: \(e)\n" }
        if !differences.isEmpty {
            o += """
                \(differences.count) value\(differences.count == 1 ? " differs" : "s differ") (rtol \
                \(NumberFormat.roundTrip(rtol)), atol \(NumberFormat.roundTrip(atol))):\n
                """
            let ranks = differences.filter { $0.kind == .rank }.count, pounds = differences.filter { $0.kind == .pounds }.count
            if ranks + pounds > 0 { o += "ranks first (\(ranks)), then pound columns (\(pounds)), then the rest by relative error:\n" }
            var rows = [["file", "council", "column", "expected", "got", "relative error"]]
            func short(_ s: String) -> String { s.count > 40 ? String(s.prefix(39)) + "…" : s }
            for d in differences.prefix(40) {
                rows.append([d.file, short(d.row), short(d.column), short(d.expected), short(d.got),
                             d.relativeError.map { NumberFormat.significant($0, 3) } ?? "text"])
            }
            o += TextSummary.aligned(rows, leftFirst: true)
            if differences.count > 40 { o += "… and \(differences.count - 40) more\n" }
        }
        return o
    }
}

/// A verification that did not pass, as a test reports it: a few lines, not the whole table.
public struct VerificationFailure: Error, CustomStringConvertible {
    public let report: VerificationReport
    public var description: String { report.compactDescription() }
}

extension VerificationReport {
    /// A few lines: what changed in the data, then the first `limit` differences in the report's
    /// order (ranks, pounds, the rest), and how many there are of each kind.
    public func compactDescription(limit: Int = 5) -> String {
        if passed { return "verified" }
        var lines = ["verification failed against the fixture (rtol \(NumberFormat.roundTrip(rtol)), atol \(NumberFormat.roundTrip(atol)))"]
        for c in specChanges.prefix(limit) {
            lines.append("spec line \(c.line): \(c.was.map(MessageText.quote) ?? "(not there)") → \(c.now.map(MessageText.quote) ?? "(removed)")")
        }
        for d in dataChanged { lines.append("DATA CHANGED: \(d.file)") }
        for c in dataChanges.prefix(limit) {
            lines.append("data \(c.file) \(c.row) \(c.column): \(c.expected.map(MessageText.quote) ?? "(no such row)") → \(c.got.map(MessageText.quote) ?? "(row removed)")")
        }
        if dataChanges.count > limit { lines.append("… \(dataChanges.count) data cells changed in all") }
        if !missingFiles.isEmpty { lines.append("missing: " + missingFiles.prefix(limit).joined(separator: ", ")) }
        if !extraFiles.isEmpty { lines.append("not produced by the re-run: " + extraFiles.prefix(limit).joined(separator: ", ")) }
        func short(_ s: String) -> String { MessageText.quote(s.count > 40 ? String(s.prefix(39)) + "…" : s) }
        for d in differences.prefix(limit) {
            lines.append("\(d.file) \(short(d.row)) \(short(d.column)): \(short(d.expected)) → \(short(d.got))")
        }
        let ranks = differences.filter { $0.kind == .rank }.count, pounds = differences.filter { $0.kind == .pounds }.count
        if !differences.isEmpty {
            lines.append("\(differences.count) value\(differences.count == 1 ? " differs" : "s differ"): \(ranks) rank\(ranks == 1 ? "" : "s"), \(pounds) in pounds, \(differences.count - ranks - pounds) other; `varex verify` lists them all")
        }
        return lines.joined(separator: "\n")
    }
}

/// Checks a saved analysis against a fixture: the library form of `varex verify`, for use in an
/// analyst's own Swift tests.
///
/// ```swift
/// import Testing
/// import Varex
///
/// @Test func publishedRankingStillHolds() throws {
///     // Fails with a few lines: the first differences (ranks, then pounds) and the counts.
///     try Verification.check(spec: "analyses/asc-2019.yaml", fixture: "fixtures/asc-2019")
/// }
/// ```
public enum Verification {
    public static let defaultRTol = 1e-9
    public static let defaultATol = 1e-12

    public static func verify(spec specPath: String, fixture: String, rtol: Double = defaultRTol,
                              atol: Double = defaultATol) throws -> VerificationReport {
        let now = try Snapshot(specPath: specPath)
        var changed: [(String, String, String)] = []
        let recorded = (try? FileBytes.read(path: fixture + "/checksums.txt")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var sums: [String: String] = [:]
        for line in recorded.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2 { sums[String(parts[1]).trimmingSpaces] = String(parts[0]) }
        }
        for (file, sha) in now.checksums where sums[file] != sha {
            changed.append((file, sums[file] ?? "(none)", sha))
        }
        var differences: [Difference] = []
        var missing: [String] = []
        var dataChanges: [DataChange] = []
        let spec = try AnalysisSpec(contentsOf: specPath)
        for (k, name) in ([spec.data ?? ""] + spec.join).enumerated() where changed.contains(where: { $0.0 == name }) {
            let copy = fixture + "/" + Snapshot.inputName(k, name)
            guard let old = try? FileBytes.read(path: copy), let new = now.files.first(where: { $0.name == Snapshot.inputName(k, name) }) else { continue }
            dataChanges += try compareData(file: name, expected: old, got: Array(new.contents.utf8), id: spec.id)
        }
        // Per-council tables first (their differences are the ones a reader looks for), then summaries.
        let results = now.files.filter { !$0.name.hasPrefix("input-") }
        let ordered = results.filter { $0.name.hasSuffix(".csv") } + results.filter { $0.name.hasSuffix(".json") }
        for (name, contents) in ordered {
            guard let old = try? FileBytes.read(path: fixture + "/" + name) else { missing.append(fixture + "/" + name); continue }
            let expected = String(decoding: old, as: UTF8.self)
            if name.hasSuffix(".csv") {
                differences += try compareCSV(file: name, expected: expected, got: contents, rtol: rtol, atol: atol)
            } else {
                differences += compareJSON(file: name, expected: expected, got: contents, rtol: rtol, atol: atol)
            }
        }
        let produced = Set(now.files.map(\.name))
        let extra = FixtureFolder.files(fixture).filter { !produced.contains($0) }.map { fixture + "/" + $0 }
        let sorted = order(differences)
        var report = VerificationReport(dataChanged: changed, dataChanges: dataChanges, differences: sorted, missingFiles: missing,
                                        extraFiles: extra, rtol: rtol, atol: atol)
        if let old = try? FileBytes.read(path: fixture + "/spec.yaml"), let new = now.files.first(where: { $0.name == "spec.yaml" }) {
            report.specChanges = specChanges(was: String(decoding: old, as: UTF8.self), now: new.contents)
        }
        let made = (try? FileBytes.read(path: fixture + "/" + Snapshot.versionFile)).map { String(decoding: $0, as: UTF8.self).trimmingNewlines }
        if made != Publication.madeBy { report.versions = (made ?? "a Varex that recorded no version", Publication.madeBy) }
        return report
    }

    /// The lines of the spec that differ, by a longest-common-subsequence diff of its lines: a
    /// changed line is one removed and one added at the same place, shown as was → now.
    static func specChanges(was: String, now: String) -> [SpecChange] {
        let a = was.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = now.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [SpecChange] = [], removed: [(Int, String)] = [], added: [(Int, String)] = []
        func flush() {
            for k in 0..<max(removed.count, added.count) {
                let r = k < removed.count ? removed[k] : nil, n = k < added.count ? added[k] : nil
                out.append(SpecChange(line: n?.0 ?? r!.0, was: r?.1, now: n?.1))
            }
            removed = []; added = []
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] { flush(); i += 1; j += 1 }
            else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] { added.append((j + 1, b[j])); j += 1 }
            else { removed.append((i + 1, a[i])); i += 1 }
        }
        flush()
        return out
    }

    /// Ranks first, then pound columns, each by the size of the change; then the rest by relative
    /// error, a text difference (no relative error) before any number; ties in the files' order.
    static func order(_ differences: [Difference]) -> [Difference] {
        differences.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            if x.kind != y.kind { return x.kind < y.kind }
            let (p, q) = x.kind == .other ? (x.relativeError ?? .infinity, y.relativeError ?? .infinity) : (x.absoluteChange, y.absoluteChange)
            return p != q ? p > q : a.offset < b.offset
        }.map(\.element)
    }

    /// Verifies and throws ``VerificationFailure`` unless everything agrees: the call for an
    /// analyst's test, which then fails with a short message (the first differences and the counts)
    /// instead of the whole report.
    public static func check(spec specPath: String, fixture: String, rtol: Double = defaultRTol, atol: Double = defaultATol) throws {
        let report = try verify(spec: specPath, fixture: fixture, rtol: rtol, atol: atol)
        if !report.passed { throw VerificationFailure(report: report) }
    }

    /// The cells of two versions of a data file that differ, by row id (the `id` column when
    /// both have it, else the row number) and column.
    static func compareData(file: String, expected: [UInt8], got: [UInt8], id: String?) throws -> [DataChange] {
        let e = try CSVReader.parse(expected, file: file), g = try CSVReader.parse(got, file: file)
        func keyed(_ r: CSVRecords) -> (keys: [String], rows: [String: [String]]) {
            let k = id.flatMap { r.header.firstIndex(of: $0) }
            var rows: [String: [String]] = [:], keys: [String] = []
            for (i, row) in r.rows.enumerated() {
                let key = k.map { row[$0] } ?? "row \(i + 1)"
                keys.append(key)
                rows[key] = row
            }
            return (keys, rows)
        }
        let (ek, er) = keyed(e), (gk, gr) = keyed(g)
        var out: [DataChange] = []
        for key in ek {
            guard let new = gr[key] else { out.append(DataChange(file: file, row: key, column: "(row)", expected: "present", got: nil)); continue }
            let old = er[key]!
            for (j, column) in e.header.enumerated() {
                guard let gj = g.header.firstIndex(of: column) else {
                    if key == ek.first { out.append(DataChange(file: file, row: "(all)", column: column, expected: "present", got: nil)) }
                    continue
                }
                if old[j] != new[gj] { out.append(DataChange(file: file, row: key, column: column, expected: old[j], got: new[gj])) }
            }
        }
        for key in gk where er[key] == nil { out.append(DataChange(file: file, row: key, column: "(row)", expected: nil, got: "present")) }
        for column in g.header where !e.header.contains(column) {
            out.append(DataChange(file: file, row: "(all)", column: column, expected: nil, got: "present"))
        }
        return out
    }

    static func within(_ got: Double, _ expected: Double, rtol: Double, atol: Double) -> Bool {
        abs(got - expected) <= atol + rtol * abs(expected)
    }

    static func compareCSV(file: String, expected: String, got: String, rtol: Double, atol: Double) throws -> [Difference] {
        let e = try CSVReader.parse(Array(expected.utf8), file: file), g = try CSVReader.parse(Array(got.utf8), file: file)
        guard e.header == g.header else {
            return [Difference(file: file, row: "(header)", column: "(columns)", expected: e.header.joined(separator: ","),
                               got: g.header.joined(separator: ","), relativeError: nil)]
        }
        var out: [Difference] = []
        if e.rows.count != g.rows.count {
            out.append(Difference(file: file, row: "(rows)", column: "(count)", expected: String(e.rows.count), got: String(g.rows.count), relativeError: nil))
        }
        for (er, gr) in zip(e.rows, g.rows) {
            for j in e.header.indices where er[j] != gr[j] {
                if let x = Double(er[j]), let y = Double(gr[j]) {
                    if within(y, x, rtol: rtol, atol: atol) { continue }
                    out.append(Difference(file: file, row: er[0], column: e.header[j], expected: er[j], got: gr[j],
                                          relativeError: x == 0 ? .infinity : abs(y - x) / abs(x)))
                } else {
                    out.append(Difference(file: file, row: er[0], column: e.header[j], expected: er[j], got: gr[j], relativeError: nil))
                }
            }
        }
        return out
    }

    /// Compares two JSON texts as trees: an object's members by key whatever their order (a
    /// snapshot written before the keys were sorted still verifies), arrays element by element,
    /// numbers within tolerance, everything else exactly. A difference is named by its key and
    /// by the `term` or `name` of the object it sits in.
    static func compareJSON(file: String, expected: String, got: String, rtol: Double, atol: Double) -> [Difference] {
        guard let e = JSONTree.parse(expected), let g = JSONTree.parse(got) else {
            return [Difference(file: file, row: "(structure)", column: "(not JSON)", expected: "JSON", got: "unreadable", relativeError: nil)]
        }
        var out: [Difference] = []
        func walk(_ a: JSONTree, _ b: JSONTree, key: String, context: String) {
            switch (a, b) {
            case let (.object(x), .object(y)):
                let here = x["term"]?.text ?? x["name"]?.text ?? context
                for k in x.keys.sorted() {
                    guard let v = y[k] else {
                        out.append(Difference(file: file, row: here.isEmpty ? "(summary)" : here, column: k, expected: x[k]!.text, got: "(missing)",
                                              relativeError: nil))
                        continue
                    }
                    walk(x[k]!, v, key: k, context: here)
                }
                for k in y.keys.sorted() where x[k] == nil {
                    out.append(Difference(file: file, row: here.isEmpty ? "(summary)" : here, column: k, expected: "(missing)", got: y[k]!.text,
                                          relativeError: nil))
                }
            case let (.array(x), .array(y)):
                if x.count != y.count {
                    out.append(Difference(file: file, row: "(structure)", column: key, expected: "\(x.count) items", got: "\(y.count) items",
                                          relativeError: nil))
                }
                for (u, v) in zip(x, y) { walk(u, v, key: key, context: context) }
            case let (.number(x), .number(y)) where within(y, x, rtol: rtol, atol: atol): return
            case let (.number(x), .number(y)):
                out.append(Difference(file: file, row: context.isEmpty ? "(summary)" : context, column: key, expected: a.text, got: b.text,
                                      relativeError: abs(y - x) / abs(x)))
            default:
                if a != b {
                    out.append(Difference(file: file, row: context.isEmpty ? "(summary)" : context, column: key, expected: a.text, got: b.text,
                                          relativeError: nil))
                }
            }
        }
        walk(e, g, key: "", context: "")
        return out
    }
}

/// The JSON Varex writes, read back as a tree for comparison (numbers as doubles), by
/// Foundation's decoder.
indirect enum JSONTree: Equatable, Decodable {
    case object([String: JSONTree]), array([JSONTree]), number(Double), string(String), bool(Bool), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSONTree].self) {
            self = .array(a)
        } else { self = .object(try c.decode([String: JSONTree].self)) }
    }

    /// The value as short text for a report.
    var text: String {
        switch self {
        case let .number(x): return x.description
        case let .string(s): return s
        case let .bool(b): return String(b)
        case .null: return "null"
        case .object: return "{…}"
        case .array: return "[…]"
        }
    }

    /// The tree of `s`, or nil when it is not JSON.
    static func parse(_ s: String) -> JSONTree? { try? JSONDecoder().decode(JSONTree.self, from: Data(s.utf8)) }
}
