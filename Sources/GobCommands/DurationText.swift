/// Short human durations for `await`'s summaries and `status`'s uptime: tenths of a
/// second below a minute (`0.4s`, `3.2s`, `59.9s`), then minutes and seconds (`1m05s`),
/// hours and minutes (`2h03m`), days and hours (`3d04h`); each rounded to its last unit.
enum DurationText {
    static func format(milliseconds: Int64) -> String {
        let ms = max(0, milliseconds)
        let tenths = (ms + 50) / 100
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10)s" }
        let seconds = (ms + 500) / 1000
        if seconds < 3600 { return "\(seconds / 60)m\(twoDigits(seconds % 60))s" }
        let minutes = (ms + 30_000) / 60_000
        if minutes < 24 * 60 { return "\(minutes / 60)h\(twoDigits(minutes % 60))m" }
        let hours = (ms + 1_800_000) / 3_600_000
        return "\(hours / 24)d\(twoDigits(hours % 24))h"
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
