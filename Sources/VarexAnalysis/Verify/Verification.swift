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

/// The result of checking a saved analysis against its fixture.
public struct VerificationReport: Sendable {
    /// Data files whose checksum is not the one recorded: (file, recorded, now).
    public let dataChanged: [(file: String, expected: String, got: String)]
    /// The cells of changed data that differ from the fixture's copy (when it has one).
    public let dataChanges: [DataChange]
    /// Result differences, largest relative error first (text differences first of all).
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
        if passed { return "verified: every number within rtol \(NumberFormat.roundTrip(rtol)), atol \(NumberFormat.roundTrip(atol))\n" }
        var o = ""
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
                \(differences.count) value\(differences.count == 1 ? "" : "s") differ (rtol \
                \(NumberFormat.roundTrip(rtol)), atol \(NumberFormat.roundTrip(atol))):\n
                """
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

/// Checks a saved analysis against a fixture: the library form of `varex verify`, for use in an
/// analyst's own Swift tests.
///
/// ```swift
/// import Testing
/// import Varex
///
/// @Test func publishedRankingStillHolds() throws {
///     let report = try Verification.verify(spec: "analyses/asc-2019.yaml", fixture: "fixtures/asc-2019")
///     #expect(report.passed, "\(report.description)")
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
        // Largest first: a text difference (no relative error) before any number.
        let sorted = differences.enumerated().sorted { a, b in
            let x = a.element.relativeError ?? .infinity, y = b.element.relativeError ?? .infinity
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        return VerificationReport(dataChanged: changed, dataChanges: dataChanges, differences: sorted, missingFiles: missing,
                                  extraFiles: extra, rtol: rtol, atol: atol)
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

    /// Compares two JSON texts token by token: numbers within tolerance, everything else exactly;
    /// a difference is named by the nearest key before it.
    static func compareJSON(file: String, expected: String, got: String, rtol: Double, atol: Double) -> [Difference] {
        let e = JSONTokens.tokens(expected), g = JSONTokens.tokens(got)
        var out: [Difference] = []
        var key = "", context = ""
        for (a, b) in zip(e, g) {
            if a.isKey { if a.text == "term" || a.text == "name" { context = "" }; key = a.text }
            if key == "term" || key == "name", !a.isKey, a.text != ":" { context = a.text }
            if a.text == b.text { continue }
            if let x = Double(a.text), let y = Double(b.text), within(y, x, rtol: rtol, atol: atol) { continue }
            let rel = Double(a.text).flatMap { x in Double(b.text).map { abs($0 - x) / abs(x) } }
            out.append(Difference(file: file, row: context.isEmpty ? "(summary)" : context, column: key, expected: a.text, got: b.text, relativeError: rel))
        }
        if e.count != g.count {
            out.append(Difference(file: file, row: "(structure)", column: "(tokens)", expected: String(e.count), got: String(g.count), relativeError: nil))
        }
        return out
    }
}

/// A minimal tokenizer of the JSON Varex writes: strings (marked when they are keys), numbers,
/// literals and punctuation.
enum JSONTokens {
    struct Token { let text: String; let isKey: Bool }

    static func tokens(_ s: String) -> [Token] {
        let chars = Array(s.unicodeScalars)
        var out: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\n" || c == "\t" || c == "\r" || c == "," { i += 1; continue }
            if c == "\"" {
                var j = i + 1, text = ""
                while j < chars.count && chars[j] != "\"" {
                    if chars[j] == "\\" && j + 1 < chars.count { text.unicodeScalars.append(chars[j + 1]); j += 2; continue }
                    text.unicodeScalars.append(chars[j]); j += 1
                }
                var k = j + 1
                while k < chars.count && (chars[k] == " " || chars[k] == "\n") { k += 1 }
                out.append(Token(text: text, isKey: k < chars.count && chars[k] == ":"))
                i = j + 1
                continue
            }
            if "{}[]:".unicodeScalars.contains(c) { out.append(Token(text: String(c), isKey: false)); i += 1; continue }
            var j = i, text = ""
            while j < chars.count && !" \n\t\r,{}[]:\"".unicodeScalars.contains(chars[j]) { text.unicodeScalars.append(chars[j]); j += 1 }
            out.append(Token(text: text, isKey: false))
            i = j
        }
        return out
    }
}
