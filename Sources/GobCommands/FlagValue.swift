import GobProtocol

/// Values of gob's options that take one, checked before anything else happens, with
/// messages in plain words: `invalid value "<value>" for <flag>: <what is expected>`.
enum FlagValue {
    /// `--tail N`: a whole number of lines, 0 or more.
    static func lineCount(_ text: String?, flag: String) throws(CommandFailure) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else { throw invalid(text, flag: flag, "expected a whole number of lines") }
        guard value >= 0 else { throw invalid(text, flag: flag, "must be 0 or more") }
        return value
    }

    /// `--timeout SECONDS`: a number of seconds, fractions allowed (`0.5`), 0 or more;
    /// returned in milliseconds.
    static func milliseconds(fromSeconds text: String?, flag: String) throws(CommandFailure) -> Int64? {
        guard let text else { return nil }
        guard let seconds = Double(text), seconds.isFinite else { throw invalid(text, flag: flag, "expected seconds") }
        guard seconds >= 0 else { throw invalid(text, flag: flag, "must be 0 or more") }
        guard seconds < 1e9 else { throw invalid(text, flag: flag, "too large (at most 999999999 seconds)") }
        return Int64((seconds * 1000).rounded(.up))
    }

    /// `--ready-timeout 90s`: a duration, more than 0: numbers with units `ms`, `s`, `m`,
    /// `h`, one after another as in `1m30s` (fractions allowed: `1.5s`); a bare number
    /// is seconds. Returned in milliseconds.
    static func milliseconds(fromDuration text: String?, flag: String) throws(CommandFailure) -> Int64? {
        guard let text else { return nil }
        let expected = "expected a duration such as 90s, 2m, 1m30s or 500ms"
        var total = 0.0
        var rest = Substring(text)
        guard !rest.isEmpty else { throw invalid(text, flag: flag, expected) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { throw invalid(text, flag: flag, expected) }
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
            default: throw invalid(text, flag: flag, expected)
            }
            total += value * scale
        }
        guard total.isFinite, total > 0 else { throw invalid(text, flag: flag, "must be more than 0") }
        guard total <= Double(ReadinessRule.maximumTimeoutMilliseconds) else {
            throw invalid(text, flag: flag, "too long (at most 30 days)")
        }
        return max(1, Int64(total.rounded(.up)))
    }

    /// `--ready-port 5173`: a TCP port, 1 to 65535, or 0 for any port (what a bare
    /// `--ready-port` stands for).
    static func port(_ text: String?, flag: String) throws(CommandFailure) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), text.allSatisfy(\.isASCII) else { throw invalid(text, flag: flag, "expected a TCP port number") }
        guard (0...65535).contains(value) else { throw invalid(text, flag: flag, "must be a port from 1 to 65535 (0: any port)") }
        return value
    }

    private static func invalid(_ text: String, flag: String, _ reason: String) -> CommandFailure {
        .invalid("invalid value \"\(text)\" for \(flag): \(reason)")
    }
}
