#if canImport(Glibc)
import Varex
import VarexAnalysis
import Glibc
#endif

enum FileSystem {
    /// The working directory.
    static var currentDirectory: String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "." }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension FileSystem {
    /// Creates a directory and its parents (like mkdir -p).
    static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OutputError.cannotWrite(path: current, reason: String(cString: strerror(errno)))
            }
        }
    }
}
