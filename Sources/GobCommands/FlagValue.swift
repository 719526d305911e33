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
        do throws(DurationSyntax.Problem) {
            return try DurationSyntax.milliseconds(text)
        } catch {
            throw invalid(text, flag: flag, error.description)
        }
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
