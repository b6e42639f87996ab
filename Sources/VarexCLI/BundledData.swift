#if canImport(Glibc)
import Glibc
#endif
import Varex
import VarexAnalysis

/// Finds the bundled data under `fixtures/`: from `VAREX_FIXTURES`, the working directory, or
/// the directories above the executable (`.build/release/varex` lies three levels below the
/// package root).
enum BundledData {
    static func path(_ relative: String) throws -> String {
        var candidates: [String] = []
        if let env = getenv("VAREX_FIXTURES") { candidates.append(String(cString: env) + "/" + relative) }
        candidates.append("fixtures/" + relative)
        var exe = [CChar](repeating: 0, count: 4096)
        let len = readlink("/proc/self/exe", &exe, exe.count - 1)
        if len > 0 {
            var dir = String(decoding: exe[0..<len].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            for _ in 0..<5 {
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
                candidates.append(dir + "/fixtures/" + relative)
            }
        }
        for c in candidates where access(c, R_OK) == 0 { return c }
        throw DataError.fileNotFound(path: "fixtures/\(relative) (run from the Varex folder, or set VAREX_FIXTURES)")
    }
}
