#if canImport(Glibc)
import Glibc
#endif

enum Console {
    /// Writes a line to standard error.
    static func error(_ message: String) {
        fputs(message + "\n", stderr)
    }
}
