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
        // Straight into one array of the file's size (Data would be a second copy).
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.unreadable(path: path, reason: "permission denied or I/O error") }
        defer { close(fd) }
        // Read into uninitialised memory: zero-filling 435 MB first cost a fifth of a second.
        var ok = true
        var out = [UInt8](unsafeUninitializedCapacity: Int(info.st_size)) { buf, count in
            var filled = 0
            while filled < buf.count {
                let n = Glibc.read(fd, buf.baseAddress! + filled, buf.count - filled)
                if n < 0 { if errno == EINTR { continue }; ok = false; break }
                if n == 0 { break }
                filled += n
            }
            count = filled
        }
        guard ok else { throw DataError.unreadable(path: path, reason: "permission denied or I/O error") }
        // A file that grew or is not regular (a pipe, /dev/stdin): read the rest.
        var more = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = more.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, 65536) }
            if n < 0 { if errno == EINTR { continue }; throw DataError.unreadable(path: path, reason: "permission denied or I/O error") }
            if n == 0 { break }
            out.append(contentsOf: more[0..<n])
        }
        return out
    }

    /// The bytes of the file at `path` (or `-`), decompressed when they are gzip data.
    public static func readDecompressing(path: String) throws -> [UInt8] {
        let raw = try read(path: path)
        return Gzip.isCompressed(raw) ? try Gzip.decompress(raw, path: path) : raw
    }
}
