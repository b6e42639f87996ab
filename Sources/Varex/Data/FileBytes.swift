#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Reading whole files, with errors that name the path; every file read is recorded in
/// ``InputFiles`` so that no output replaces it.
public enum FileBytes {
    /// The bytes of the file at `path`, or `-` for standard input.
    public static func read(path: String) throws -> [UInt8] {
        if path == "-" {
            var out: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buf.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, stdin) }
                if n <= 0 { break }
                out.append(contentsOf: buf[0..<n])
            }
            return out
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw DataError.fileNotFound(path: path) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw DataError.unreadable(path: path, reason: "it is a directory") }
        InputFiles.record(path: path)
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DataError.unreadable(path: path, reason: "permission denied or I/O error")
        }
    }
}
