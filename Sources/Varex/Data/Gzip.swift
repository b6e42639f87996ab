import CGzip

/// gzip decompression through zlib, for `.csv.gz` input (recognised by its first two bytes).
enum Gzip {
    /// Whether `bytes` start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The uncompressed size as the trailer records it (ISIZE, the size modulo 2³² of the last
    /// member), and at least three times the compressed size: an estimate for the memory check.
    static func recordedSize(_ input: [UInt8]) -> Int {
        guard input.count >= 18 else { return input.count }
        let n = input.count
        let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
        return max(isize, 3 * n)
    }

    /// The decompressed bytes of every gzip member in `input` (concatenated files, as
    /// `cat a.gz b.gz`, decompress to the concatenation); `path` names the file in errors.
    static func decompress(_ input: [UInt8], path: String) throws -> [UInt8] {
        func failure(_ reason: String) -> DataError { DataError.unreadable(path: path, reason: reason) }
        var stream = z_stream()
        // 15 window bits + 16: the gzip wrapper.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw failure("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(input.count * 4)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        try input.withUnsafeBufferPointer { source in
            var offset = 0
            var finished = false
            while true {
                if stream.avail_in == 0 && offset < source.count {
                    let take = min(source.count - offset, 1 << 30)
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + offset)
                    stream.avail_in = UInt32(take)
                    offset += take
                }
                let status = buffer.withUnsafeMutableBufferPointer { target -> Int32 in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                out.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
                switch status {
                case Z_STREAM_END:
                    finished = true
                    guard stream.avail_in > 0 || offset < source.count else { return }
                    // Another member follows.
                    guard inflateReset(&stream) == Z_OK else { throw failure("zlib could not restart") }
                    finished = false
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0 && offset >= source.count:
                    guard finished else { throw failure("the gzip data ends early; the file is truncated") }
                    return
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw failure("it is not valid gzip data: \(message)")
                }
            }
        }
        return out
    }
}
