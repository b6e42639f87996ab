#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures writing output files.
public enum OutputError: VarexError, Equatable {
    case cannotWrite(path: String, reason: String)
    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "\(path): cannot write (\(reason))"
        }
    }
}

/// Writes a set of outputs all-or-nothing: each goes to a temporary file beside its target,
/// and only when every one is written are they renamed into place. A failure removes the
/// temporaries, so no partial output is ever left behind. `-` means standard output.
public enum OutputFiles {
    public static func write(_ outputs: [(path: String, contents: String)]) throws {
        try write(bytes: outputs.map { ($0.path, Array($0.contents.utf8)) })
    }

    /// The same, for binary contents (workbooks).
    public static func write(bytes outputs: [(path: String, bytes: [UInt8])]) throws {
        var staged: [(temp: String, path: String)] = []
        var toStdout: [[UInt8]] = []
        do {
            for (path, bytes) in outputs {
                if path == "-" { toStdout.append(bytes); continue }
                let temp = path + ".varex-tmp-\(getpid())"
                guard let f = fopen(temp, "wb") else {
                    throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
                staged.append((temp, path))
                let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
                let closed = fclose(f)
                guard written == bytes.count, closed == 0 else {
                    throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
            }
            for (temp, path) in staged {
                guard rename(temp, path) == 0 else {
                    throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
                }
            }
        } catch {
            for (temp, _) in staged { unlink(temp) }
            throw error
        }
        for b in toStdout { _ = b.withUnsafeBytes { fwrite($0.baseAddress, 1, b.count, stdout) } }
    }
}
