#if canImport(Glibc)
import Glibc
#endif

/// Whether a file can be read whole: the memory an in-memory read needs, estimated from the
/// file's size before it is read, against the memory available. A file larger than memory
/// ended in "Fatal error: failed to allocate" with a stack trace; now it is an error that
/// names the file and suggests reading it in blocks (`varex fit --stream`).
public enum MemoryBudget {
    /// The least an in-memory read needs per byte of CSV text: the text itself, each cell's
    /// value in extended precision (16 bytes for a cell of typically 6–10 bytes of text) and
    /// the design's copy. Measured on the 435 MB benchmark file: 1.3–2.2 GB at the peak (3–5×).
    static let bytesPerTextByte = 3

    /// The environment variable that caps the memory an in-memory read may use (bytes, or with
    /// a K, M or G suffix): for a shared machine, or to try the check.
    public static let variable = "VAREX_MEMORY_LIMIT"

    /// The memory available to this process: the least of the kernel's MemAvailable, the
    /// cgroup's limit less its use, and ``variable``; nil when none can be read.
    static func available() throws -> Int? {
        var limits: [Int] = []
        if let text = read("/proc/meminfo"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            limits.append(kb * 1024)
        }
        if let max = read("/sys/fs/cgroup/memory.max").flatMap({ Int($0.trimmingSpaces) }),
           let current = read("/sys/fs/cgroup/memory.current").flatMap({ Int($0.trimmingSpaces) }) {
            limits.append(Swift.max(max - current, 0))
        }
        if let raw = getenv(variable) {
            let text = String(cString: raw)
            guard let bytes = parseSize(text) else { throw DataError.invalidMemoryLimit(text: text) }
            limits.append(bytes)
        }
        return limits.min()
    }

    /// `512M`, `512MB`, `4G`, `100000`: bytes.
    public static func parseSize(_ text: String) -> Int? {
        var t = text.trimmingSpaces.uppercased()
        if t.count >= 2, t.hasSuffix("B"), let unit = t.dropLast().last, "KMGT".contains(unit) { t.removeLast() }
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let last = t.last, let unit = units[last], let v = Double(t.dropLast()), v >= 0, v.isFinite { return Int(v * Double(unit)) }
        if let v = Int(t), v >= 0 { return v }
        return nil
    }

    /// Refuses to read `textBytes` of CSV into memory when the estimate exceeds what is available.
    static func check(path: String, textBytes: Int) throws {
        let need = textBytes * bytesPerTextByte
        guard let have = try available(), need > have else { return }
        throw DataError.tooLargeForMemory(path: path, textBytes: textBytes, need: need, available: have)
    }

    /// The whole text of a small system file, or nil where it cannot be read.
    static func read(_ path: String) -> String? {
        (try? FileBytes.read(path: path)).map { String(decoding: $0, as: UTF8.self) }
    }
}
