#if canImport(Glibc)
import Glibc
import VarexLinearAlgebra
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long work (rows read, replicates drawn, criterion evaluations), for a front end
/// to show. Nothing is reported unless a front end sets ``sink``, once, before the work (the
/// CLI does when standard error is a terminal); reports come at most five times a second, from
/// any thread.
public enum Progress {
    /// Where reports go; an empty string asks to clear what was shown.
    nonisolated(unsafe) public static var sink: (@Sendable (String) -> Void)? = nil
    private static let lock = Lock()
    nonisolated(unsafe) private static var last = -1.0

    /// Reports `message()` if a sink is set and the last report is 0.2 s old.
    public static func report(_ message: @autoclosure () -> String) {
        guard let sink else { return }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        let due = lock.run { () -> Bool in
            guard last < 0 || now - last >= 0.2 else { return false }
            last = now
            return true
        }
        if due { sink(message()) }
    }

    /// Clears the last report (before results are written).
    public static func finish() { sink?("") }
}

/// A count shared by the threads of one piece of work, for its progress reports.
public final class ProgressCounter: @unchecked Sendable {
    private let lock = Lock()
    private var count = 0

    public init() {}

    /// Adds `k` and returns the new total.
    public func add(_ k: Int) -> Int { lock.run { count += k; return count } }
}
