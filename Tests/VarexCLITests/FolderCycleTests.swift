import Foundation
import Testing

/// Data flows one way between the folders of a module (Data → Formula → Models → Hypotheses,
/// Diagnostics, Summary → Explain → Compare; Model → Pipeline → Output): no folder uses a type
/// declared in a folder that uses one of its own. Types are found by their declarations and
/// uses by name, outside comments and string literals.
struct FolderCycleTests {
    static func swiftFiles(under path: String) -> [URL] {
        FileManager.default.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
    }

    /// Each folder of `module` to the folders whose types it uses.
    static func dependencies(module: String) throws -> [String: Set<String>] {
        let root = CLI.repository + "/Sources/" + module
        var owner: [String: String] = [:], ambiguous: Set<String> = []
        var code: [(folder: String, text: String)] = []
        let declaration = try Regex(#"(?m)^(?:public |internal |private |fileprivate )?(?:final )?(?:struct|enum|class|protocol|typealias|actor)\s+(\w+)"#)
        for file in swiftFiles(under: root) {
            let folder = file.deletingLastPathComponent().path.replacingOccurrences(of: root, with: "")
            let text = try String(contentsOf: file, encoding: .utf8)
            for m in text.matches(of: declaration) {
                let name = String(text[m.output[1].range!])
                if let o = owner[name], o != folder { ambiguous.insert(name) } else { owner[name] = folder }
            }
            code.append((folder, Self.codeOnly(text)))
        }
        var out: [String: Set<String>] = [:]
        for (folder, text) in code {
            for name in Self.capitalisedWords(text) {
                if let o = owner[name], o != folder, !ambiguous.contains(name) { out[folder, default: []].insert(o) }
            }
        }
        return out
    }

    /// The source without comments and string literals (their text names no type).
    static func codeOnly(_ text: String) -> String {
        let c = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView(), i = 0
        func at(_ k: Int, _ s: String) -> Bool { let u = Array(s.unicodeScalars); return k + u.count <= c.count && Array(c[k..<(k + u.count)]) == u }
        while i < c.count {
            if at(i, "//") { while i < c.count && c[i] != "\n" { i += 1 }; continue }
            if at(i, "/*") { i += 2; while i < c.count && !at(i, "*/") { i += 1 }; i += 2; continue }
            if at(i, "\"\"\"") { i += 3; while i < c.count && !at(i, "\"\"\"") { i += 1 }; i += 3; out.append(" "); continue }
            if c[i] == "\"" {
                i += 1
                while i < c.count && c[i] != "\"" && c[i] != "\n" { i += c[i] == "\\" ? 2 : 1 }
                i += 1; out.append(" "); continue
            }
            out.append(c[i]); i += 1
        }
        return String(out)
    }

    /// Identifiers that start with a capital letter.
    static func capitalisedWords(_ text: String) -> Set<String> {
        var out: Set<String> = [], word = ""
        for ch in text.unicodeScalars {
            if CharacterSet.alphanumerics.contains(ch) || ch == "_" { word.unicodeScalars.append(ch); continue }
            if let f = word.unicodeScalars.first, CharacterSet.uppercaseLetters.contains(f) { out.insert(word) }
            word = ""
        }
        return out
    }

    @Test(arguments: ["Varex", "VarexAnalysis"])
    func noFolderUsesAFolderThatUsesIt(_ module: String) throws {
        let deps = try Self.dependencies(module: module)
        #expect(deps.count >= 4, "\(module): \(deps.keys.sorted())")
        // Reachability: a cycle of any length shows as a folder reaching itself.
        var cycles: [String] = []
        for start in deps.keys.sorted() {
            var seen: Set<String> = [], frontier = Array(deps[start] ?? [])
            while let f = frontier.popLast() {
                if f == start { cycles.append(start); break }
                if seen.insert(f).inserted { frontier += deps[f] ?? [] }
            }
        }
        #expect(cycles == [], "\(module): folders in a cycle: \(cycles)")
    }
}
