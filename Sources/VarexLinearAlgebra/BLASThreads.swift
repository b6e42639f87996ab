#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS's own worker threads, set to one while Varex runs many small problems on threads
/// of its own (a bootstrap's refits): each small call would otherwise wake and wait for OpenBLAS's
/// threads, which on two cores made 1,600 mixed-model refits take 89 s instead of 12.5 s. The
/// setting is process-wide, so nested and concurrent callers share it: the first sets one
/// thread, the last restores what was there. Where the BLAS is not OpenBLAS (no
/// `openblas_set_num_threads` to find), nothing changes.
public enum BLASThreads {
    private typealias Set = @convention(c) (Int32) -> Void
    private typealias Get = @convention(c) () -> Int32
    private static let setter: Set? = dlsym(nil, "openblas_set_num_threads").map { unsafeBitCast($0, to: Set.self) }
    private static let getter: Get? = dlsym(nil, "openblas_get_num_threads").map { unsafeBitCast($0, to: Get.self) }
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: Int32 = 1
    private static let lock = Lock()

    /// Runs `body` with OpenBLAS on one thread.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        lock.run {
            if depth == 0, let getter, let setter { saved = getter(); setter(1) }
            depth += 1
        }
        defer {
            lock.run {
                depth -= 1
                if depth == 0, let setter { setter(saved) }
            }
        }
        return try body()
    }
}

