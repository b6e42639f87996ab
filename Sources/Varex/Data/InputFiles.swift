#if canImport(Glibc)
import Glibc
import VarexLinearAlgebra
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's identity on disk: the same file has the same device and inode whatever path,
/// link or spelling names it.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The identity of the file `path` names (following links), or nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity of an open file descriptor, or nil.
    public init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity in a `stat` result.
    public init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Every file this process has read (data, joins, specs, fixtures), so that no output can
/// replace one of them. ``FileBytes/read(path:)`` records each file it reads; ``OutputFiles``
/// refuses a target that is one of them.
public enum InputFiles {
    nonisolated(unsafe) private static var files: [FileIdentity: String] = [:]
    private static let lock = Lock()

    /// Records that `path` was read.
    public static func record(path: String) {
        guard let id = FileIdentity(path: path) else { return }
        lock.run { if files[id] == nil { files[id] = path } }
    }

    /// The path under which the file with this identity was read, if it was.
    public static func path(of id: FileIdentity) -> String? {
        lock.run { files[id] }
    }
}
