import Glibc

/// Wall-clock times as gob prints them (docs/output.md).
public enum Timestamp {
    /// Nanoseconds since the Unix epoch, now.
    public static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// RFC 3339 with whole seconds in the local time zone: `2026-11-26T14:03:51Z` at
    /// offset zero, else `2026-11-26T19:49:44+05:30`.
    public static func rfc3339(secondsSinceEpoch seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        let offset = Int(parts.tm_gmtoff)
        // Written digit by digit: a daemon reading a thousand jobs back formats three
        // times each, and string interpolation made that milliseconds.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(value, 0)
            if rest >= divisor * 10 {
                bytes += Array(String(rest).utf8)
                return
            }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        bytes.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        bytes.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        if offset == 0 {
            bytes.append(UInt8(ascii: "Z"))
        } else {
            bytes.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            let minutes = abs(offset) / 60
            digits(minutes / 60, 2)
            bytes.append(UInt8(ascii: ":"))
            digits(minutes % 60, 2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
