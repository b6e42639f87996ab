import Varex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files an all-or-nothing write has open, removed if the process is stopped by
/// SIGINT (Ctrl-C), SIGTERM or SIGHUP before they are renamed into place.
///
/// The handler may only call async-signal-safe functions, so the paths live in a fixed table of
/// C strings that it walks with `unlink`; it then restores the default action and raises the
/// signal again, so the exit status still says what stopped the process.
enum TemporaryFiles {
    static let capacity = 256
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
        p.initialize(repeating: nil, count: capacity)
        return p
    }()
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var counter = 0

    /// A fresh temporary name in the folder of `path` (so the rename stays on one file system).
    static func path(beside path: String) -> String {
        counter += 1
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + "." + name + ".varex-tmp-\(getpid())-\(counter)"
    }

    /// Remembers `path` for removal on a signal (installing the handlers on first use).
    static func register(_ path: String) {
        if !installed {
            installed = true
            // A parent may have started us with these signals blocked (Foundation's Process
            // does): unblock them, or Ctrl-C would never reach the handler.
            var set = sigset_t()
            sigemptyset(&set)
            for sig in [SIGINT, SIGTERM, SIGHUP] {
                signal(sig, removeAndReraise)
                sigaddset(&set, sig)
            }
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
        for k in 0..<capacity where slots[k] == nil {
            slots[k] = strdup(path)
            return
        }
    }

    /// Forgets `path` (renamed into place, or already removed).
    static func unregister(_ path: String) {
        for k in 0..<capacity {
            guard let p = slots[k], String(cString: p) == path else { continue }
            slots[k] = nil
            free(p)
        }
    }
}

/// The signal handler: removes every registered temporary file, then dies of the same signal.
private func removeAndReraise(_ sig: Int32) {
    for k in 0..<TemporaryFiles.capacity {
        if let p = TemporaryFiles.slots[k] { unlink(p) }
    }
    signal(sig, SIG_DFL)
    raise(sig)
}
