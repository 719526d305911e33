#if canImport(Glibc)
import Glibc
#endif

/// Time on CLOCK_MONOTONIC, which wall-clock changes cannot move.
enum Monotonic {
    /// Nanoseconds since an arbitrary start.
    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// A deadline `seconds` from now.
    static func deadline(seconds: Double) -> Int64 {
        now() + Int64(seconds * 1e9)
    }

    /// Milliseconds left until `deadline` for poll(2): at least 0, rounded up so a wait
    /// never ends before the deadline.
    static func pollTimeout(until deadline: Int64) -> Int32 {
        let left = deadline - now()
        guard left > 0 else { return 0 }
        return Int32(clamping: (left + 999_999) / 1_000_000)
    }

    /// Sleeps for `seconds`, resuming after interruptions.
    static func sleep(seconds: Double) {
        let nanoseconds = Int(seconds * 1e9)
        var request = timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR {
            request = remaining
        }
    }

    /// Nanoseconds as milliseconds.
    static func milliseconds(_ nanoseconds: Int64) -> Double {
        Double(nanoseconds) / 1e6
    }
}
