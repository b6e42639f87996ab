import Varex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures writing output files.
public enum OutputError: SettingMessage, Equatable {
    case cannotWrite(path: String, reason: String)
    /// The output is the same file (device and inode) as something this run read.
    case wouldReplaceInput(path: String, input: String)
    /// Two outputs of one run name the same file.
    case sameOutputTwice(path: String, other: String)
    /// `varex snapshot` into a folder that already holds a fixture.
    case fixtureExists(folder: String, file: String)
    /// A cell longer than a spreadsheet can hold.
    case cellTooLong(sheet: String, row: Int, column: String, length: Int, limit: Int)
    /// A table of more rows than a worksheet holds.
    case tooManyRows(sheet: String, rows: Int, limit: Int)

    public var exitCode: Int32 { 1 }
    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .cannotWrite(path, reason):
            return "\(path): cannot write (\(reason))"
        case let .wouldReplaceInput(path, input):
            return input == path
                ? "\(path): refusing to write over an input of this run; choose another output path"
                : "\(path): refusing to write over an input of this run (it is the same file as \(input)); choose another output path"
        case let .sameOutputTwice(path, other):
            return "\(path): named for two outputs (also as \(other)); give each output its own file"
        case let .fixtureExists(folder, file):
            return """
                \(folder): already holds a fixture (\(file)); refusing to replace it (add \
                \(names.name(.force)) to overwrite it, or choose a new folder)
                """
        case let .cellTooLong(sheet, row, column, length, limit):
            return """
                sheet '\(sheet)', row \(row), column '\(MessageText.quote(column))': the text has \
                \(length) characters, more than a spreadsheet cell holds (\(limit)); shorten it or \
                write CSV instead
                """
        case let .tooManyRows(sheet, rows, limit):
            return """
                sheet '\(sheet)': \(rows) rows and a header are more than a worksheet holds (\(limit) \
                rows); write the table as CSV instead
                """
        }
    }
}

/// Writes a set of outputs all-or-nothing, and never over anything the run read.
///
/// - A path that is the same file as an input (``InputFiles``, compared by device and inode, so
///   links and other spellings count) or as another output is refused before anything is written.
/// - Regular files (and new paths) go to a temporary file beside the target and are renamed into
///   place only when every output is written; a failure, SIGINT or SIGTERM removes the
///   temporaries. A link to a regular file is written through, to its target.
/// - Devices, FIFOs, sockets and `/dev/fd/N` (process substitution) are written directly, as
///   every Unix tool does: `--out /dev/null` discards, `--out >(gzip > r.gz)` pipes.
/// - `-` is standard output; a failed write to it (a full disk, `/dev/full`) is an error.
/// What an output holds: bytes already made, or a producer that hands its bytes over in chunks
/// as they are made (so a large table is never held whole).
public enum OutputContent {
    case bytes([UInt8])
    case chunks((_ emit: ([UInt8]) throws -> Void) throws -> Void)
}

public enum OutputFiles {
    public static func write(_ outputs: [(path: String, contents: String)]) throws {
        try write(bytes: outputs.map { ($0.path, Array($0.contents.utf8)) })
    }

    /// Where one output goes.
    enum Target {
        case standardOutput
        /// A device, FIFO or socket, written in place.
        case stream(String)
        /// A regular file (existing or new), staged and renamed; `path` is the link-resolved path.
        case file(String)
    }

    /// The same, for binary contents (workbooks).
    public static func write(bytes outputs: [(path: String, bytes: [UInt8])]) throws {
        try write(contents: outputs.map { ($0.path, .bytes($0.bytes)) })
    }

    /// Every output, all or nothing, whether held in memory or made chunk by chunk as it is
    /// written (``OutputContent/chunks(_:)``: a residual table of a million rows).
    /// The checks `write` makes of its outputs (not an input of the run, not a folder, not named
    /// twice), made early: before a command reports what it will write.
    public static func check(_ paths: [String]) throws {
        try checkDistinct(paths, try paths.map { try target(for: $0) })
    }

    public static func write(contents outputs: [(path: String, content: OutputContent)]) throws {
        Progress.finish() // the results replace any progress line
        let targets = try outputs.map { try target(for: $0.path) }
        try checkDistinct(outputs.map(\.path), targets)
        var staged: [(temp: String, path: String, shown: String)] = []
        /// Writes one output's content to `fd`; false with errno set on failure.
        func send(_ content: OutputContent, to fd: Int32, path: String) throws {
            switch content {
            case let .bytes(bytes):
                guard writeAll(fd, bytes) else { throw OutputError.cannotWrite(path: path, reason: reason()) }
            case let .chunks(produce):
                try produce { chunk in
                    guard writeAll(fd, chunk) else { throw OutputError.cannotWrite(path: path, reason: reason()) }
                }
            }
        }
        do {
            for (k, (path, content)) in outputs.enumerated() {
                guard case let .file(real) = targets[k] else { continue }
                let temp = TemporaryFiles.path(beside: real)
                TemporaryFiles.register(temp)
                staged.append((temp, real, path))
                let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: reason()) }
                do { try send(content, to: fd, path: path) } catch { close(fd); throw error }
                guard close(fd) == 0 else { throw OutputError.cannotWrite(path: path, reason: reason()) }
            }
            for (k, (path, content)) in outputs.enumerated() {
                guard case let .stream(real) = targets[k] else { continue }
                let fd = open(real, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw OutputError.cannotWrite(path: path, reason: reason()) }
                defer { close(fd) }
                try send(content, to: fd, path: path)
            }
            for (k, (_, content)) in outputs.enumerated() {
                guard case .standardOutput = targets[k] else { continue }
                switch content {
                case let .bytes(bytes): try writeStandardOutput(bytes)
                case let .chunks(produce): try produce { try writeStandardOutput($0) }
                }
            }
            for s in staged {
                guard rename(s.temp, s.path) == 0 else { throw OutputError.cannotWrite(path: s.shown, reason: reason()) }
                TemporaryFiles.unregister(s.temp)
            }
        } catch {
            for s in staged {
                unlink(s.temp)
                TemporaryFiles.unregister(s.temp)
            }
            throw error
        }
    }

    /// Writes to standard output and flushes, so that a failure is seen here, not lost at exit.
    public static func writeStandardOutput(_ bytes: [UInt8]) throws {
        if let id = FileIdentity(descriptor: STDOUT_FILENO), isRegularFile(descriptor: STDOUT_FILENO), let input = InputFiles.path(of: id) {
            throw OutputError.wouldReplaceInput(path: "standard output", input: input)
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, stdout) }
        guard written == bytes.count, fflush(stdout) == 0 else {
            throw OutputError.cannotWrite(path: "standard output", reason: reason())
        }
    }

    /// Classifies a path and refuses one that is an input.
    static func target(for path: String) throws -> Target {
        if path == "-" { return .standardOutput }
        var info = stat()
        guard stat(path, &info) == 0 else {
            // A new file (or a dangling link): staged beside it.
            return .file(path)
        }
        if let input = InputFiles.path(of: FileIdentity(info)) {
            throw OutputError.wouldReplaceInput(path: path, input: input)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file(resolvedLink(path))
        case S_IFDIR: throw OutputError.cannotWrite(path: path, reason: "it is a directory")
        default: return .stream(path)
        }
    }

    /// Refuses two outputs that are the same file (existing) or the same new path.
    static func checkDistinct(_ paths: [String], _ targets: [Target]) throws {
        var seen: [String: String] = [:]
        var seenIDs: [FileIdentity: String] = [:]
        for (path, t) in zip(paths, targets) {
            let key: String
            switch t {
            case .standardOutput: key = "-"
            case let .stream(p): key = p
            case let .file(p): key = canonicalNew(p)
            }
            if case .stream = t { continue }  // devices such as /dev/null may take several outputs
            if let other = seen[key] { throw OutputError.sameOutputTwice(path: path, other: other) }
            seen[key] = path
            if key != "-", let id = FileIdentity(path: path) {
                if let other = seenIDs[id] { throw OutputError.sameOutputTwice(path: path, other: other) }
                seenIDs[id] = path
            }
        }
    }

    /// The path a link points to (recursively), or the path itself.
    static func resolvedLink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// An absolute spelling of a path whose file may not exist yet: the real folder plus the name.
    static func canonicalNew(_ path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let real = realpath(folder.isEmpty ? "/" : folder, nil) else { return path }
        defer { free(real) }
        return String(cString: real) + "/" + name
    }

    static func isRegularFile(descriptor: Int32) -> Bool {
        var info = stat()
        return fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Writes every byte, retrying partial writes and interruptions.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buf in
            var done = 0
            while done < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return true
        }
    }

    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
