/// Durations as people write them for gob (`--ready-timeout 90s`, a gobfile's
/// `ready_timeout = "2m"`): numbers with units `ms`, `s`, `m`, `h`, one after another as
/// in `1m30s`, fractions allowed (`1.5s`); a bare number is seconds. One definition, so
/// the command line and the file accept the same texts.
public enum DurationSyntax {
    /// Why a text is not a duration gob takes; `description` completes
    /// `invalid value "<text>" for <where>: `.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed
        case notPositive
        case tooLong

        public var description: String {
            switch self {
            case .malformed: "expected a duration such as 90s, 2m, 1m30s or 500ms"
            case .notPositive: "must be more than 0"
            case .tooLong: "too long (at most 30 days)"
            }
        }
    }

    /// `text` in milliseconds (at least 1), at most `ReadinessRule.maximumTimeoutMilliseconds`.
    public static func milliseconds(_ text: String) throws(Problem) -> Int64 {
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { throw .malformed }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { throw .malformed }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "" where rest.isEmpty && total == 0: scale = 1000
            case "ms": scale = 1
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            default: throw .malformed
            }
            total += value * scale
        }
        guard total.isFinite, total > 0 else { throw .notPositive }
        guard total <= Double(ReadinessRule.maximumTimeoutMilliseconds) else { throw .tooLong }
        return max(1, Int64(total.rounded(.up)))
    }
}
