import Glibc

/// Nanoseconds on a clock that wall-time changes cannot move: deadlines, timers, pacing.
public enum MonotonicClock {
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// `s` seconds in nanoseconds.
    public static func seconds(_ s: Double) -> Int64 { Int64(s * 1_000_000_000) }

    /// The instant `s` seconds from now.
    public static func deadline(seconds s: Double) -> Int64 { now() + seconds(s) }

    /// Milliseconds left until `deadline`, for `poll(2)`: never negative, rounded up so a
    /// wait never ends before the deadline, and clamped to what `poll` takes.
    public static func pollTimeout(until deadline: Int64) -> Int32 {
        let left = deadline - now()
        guard left > 0 else { return 0 }
        return Int32(clamping: (left + 999_999) / 1_000_000)
    }

    /// Sleeps for `milliseconds`, resuming after interruptions.
    public static func sleep(milliseconds: Int) {
        sleep(nanoseconds: Int64(milliseconds) * 1_000_000)
    }

    /// Sleeps for `nanoseconds`, resuming after interruptions.
    public static func sleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, Glibc.errno == EINTR {
            request = remaining
        }
    }
}
