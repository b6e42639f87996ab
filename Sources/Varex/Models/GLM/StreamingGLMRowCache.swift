#if canImport(Glibc)
import Glibc
#endif

/// The rows the first IRLS pass reads, as doubles in an anonymous temporary file (C's
/// `tmpfile`: removed when closed, or when the process ends however it ends), so that the later
/// passes read binary numbers instead of parsing the CSV again: (p + 6) × 8 bytes a row on disk,
/// a chunk of rows in memory. The passes that need a row's text (ids, clusters, labels) still
/// read the CSV. Any failure to write (no temporary directory, a full disk) drops the cache and
/// the passes read the CSV, as before; so does `VAREX_STREAM_NO_ROW_CACHE` set in the
/// environment (for a machine whose temporary directory is small, and for the tests).
final class StreamingGLMRowCache {
    private let file: UnsafeMutablePointer<FILE>
    private let width: Int
    private let p: Int
    private(set) var count = 0
    static let chunkRows = 32_768

    init?(columns p: Int) {
        guard let f = tmpfile() else { return nil }
        file = f
        self.p = p
        width = p + 6
    }

    deinit { fclose(file) }

    /// Appends rows; false when the file cannot take them.
    func append(_ rows: [StreamingGLM.Row]) -> Bool {
        guard !rows.isEmpty else { return true }
        var buffer = [Double](repeating: 0, count: rows.count * width)
        for (i, r) in rows.enumerated() {
            let base = i * width
            for j in 0..<p { buffer[base + j] = r.x[j] }
            buffer[base + p] = r.y; buffer[base + p + 1] = r.prior; buffer[base + p + 2] = r.startWeight
            buffer[base + p + 3] = r.offset; buffer[base + p + 4] = r.trials; buffer[base + p + 5] = Double(r.fileRow)
        }
        let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, MemoryLayout<Double>.size, buffer.count, file) }
        guard written == buffer.count else { return false }
        count += rows.count
        return true
    }

    /// Calls `body` with the rows in chunks, in the order they were appended.
    func forEachChunk(_ body: ([StreamingGLM.Row]) throws -> Void) throws {
        guard fflush(file) == 0 else { throw ModelError.numerical("the temporary file of a streamed GLM's rows could not be written") }
        rewind(file)
        var buffer = [Double](repeating: 0, count: Self.chunkRows * width)
        var remaining = count
        while remaining > 0 {
            let n = min(remaining, Self.chunkRows)
            let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress, MemoryLayout<Double>.size, n * width, file) }
            guard read == n * width else { throw ModelError.numerical("the temporary file of a streamed GLM's rows could not be read back") }
            let rows = (0..<n).map { i -> StreamingGLM.Row in
                let base = i * width
                return StreamingGLM.Row(x: Array(buffer[base..<(base + p)]), y: buffer[base + p], prior: buffer[base + p + 1],
                                        startWeight: buffer[base + p + 2], offset: buffer[base + p + 3], trials: buffer[base + p + 4],
                                        fileRow: Int(buffer[base + p + 5]))
            }
            try body(rows)
            remaining -= n
        }
    }
}
