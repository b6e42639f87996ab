import CGzip
#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes in pieces, for reading files larger than memory: read as they are, or
/// decompressed as they come when they are gzip data (recognised by the first two bytes).
final class ByteStream {
    private let fd: Int32
    private let path: String
    private var stream = z_stream()
    private var compressed = false
    private var input = [UInt8](repeating: 0, count: 1 << 20)
    private var inputStart = 0, inputEnd = 0
    private var sourceDone = false
    private var memberDone = false

    /// Opens `path` (`-` for standard input), recording it as an input.
    init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = STDIN_FILENO
        } else {
            var info = stat()
            guard stat(path, &info) == 0 else { throw DataError.fileNotFound(path: path) }
            guard (info.st_mode & S_IFMT) != S_IFDIR else { throw DataError.unreadable(path: path, reason: "it is a directory") }
            InputFiles.record(path: path)
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw DataError.unreadable(path: path, reason: "permission denied or I/O error") }
        }
        try fill()
        if inputEnd - inputStart >= 2 && input[inputStart] == 0x1F && input[inputStart + 1] == 0x8B {
            compressed = true
            guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw DataError.unreadable(path: path, reason: "zlib could not start")
            }
        }
    }

    deinit {
        if compressed { inflateEnd(&stream) }
        if fd != STDIN_FILENO { close(fd) }
    }

    /// Reads more of the file into `input` when it is used up.
    private func fill() throws {
        guard inputStart == inputEnd, !sourceDone else { return }
        inputStart = 0
        inputEnd = 0
        while true {
            let n = input.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw DataError.unreadable(path: path, reason: "permission denied or I/O error") }
            if n == 0 { sourceDone = true }
            inputEnd = n
            return
        }
    }

    /// Appends up to `count` more bytes to `out`; false at the end of the data.
    func read(_ count: Int, into out: inout [UInt8]) throws -> Bool {
        try fill()
        if !compressed {
            guard inputStart < inputEnd else { return false }
            let take = min(count, inputEnd - inputStart)
            out.append(contentsOf: input[inputStart..<(inputStart + take)])
            inputStart += take
            return true
        }
        let before = out.count
        var buffer = [UInt8](repeating: 0, count: count)
        while out.count == before {
            try fill()
            if inputStart == inputEnd && sourceDone {
                guard memberDone else { throw DataError.unreadable(path: path, reason: "the gzip data ends early; the file is truncated") }
                return false
            }
            if memberDone {
                guard inflateReset(&stream) == Z_OK else { throw DataError.unreadable(path: path, reason: "zlib could not restart") }
                memberDone = false
            }
            let status: Int32 = input.withUnsafeMutableBufferPointer { src in
                buffer.withUnsafeMutableBufferPointer { dst in
                    stream.next_in = src.baseAddress! + inputStart
                    stream.avail_in = UInt32(inputEnd - inputStart)
                    stream.next_out = dst.baseAddress
                    stream.avail_out = UInt32(count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
            }
            inputStart = inputEnd - Int(stream.avail_in)
            out.append(contentsOf: buffer[0..<(count - Int(stream.avail_out))])
            switch status {
            case Z_STREAM_END: memberDone = true
            case Z_OK, Z_BUF_ERROR: break
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw DataError.unreadable(path: path, reason: "it is not valid gzip data: \(message)")
            }
        }
        return true
    }
}
