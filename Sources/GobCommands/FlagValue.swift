/// Values of gob's options that take one, checked with pflag's wording (contract §1.3):
/// `invalid argument "<value>" for "<flag>" flag: <reason>`.
enum FlagValue {
    /// `--tail N`: a whole number of lines, 0 or more.
    static func lineCount(_ text: String?, flag: String) throws(CommandFailure) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) else {
            throw invalid(text, flag: flag, "strconv.ParseInt: parsing \"\(text)\": invalid syntax")
        }
        guard value >= 0 else { throw invalid(text, flag: flag, "must not be negative") }
        return value
    }

    /// `--timeout SECONDS`: a number of seconds, fractions allowed (`0.5`), 0 or more;
    /// returned in milliseconds.
    static func milliseconds(fromSeconds text: String?, flag: String) throws(CommandFailure) -> Int64? {
        guard let text else { return nil }
        guard let seconds = Double(text), seconds.isFinite else {
            throw invalid(text, flag: flag, "strconv.ParseFloat: parsing \"\(text)\": invalid syntax")
        }
        guard seconds >= 0 else { throw invalid(text, flag: flag, "must not be negative") }
        guard seconds < 1e9 else { throw invalid(text, flag: flag, "value out of range") }
        return Int64((seconds * 1000).rounded(.up))
    }

    private static func invalid(_ text: String, flag: String, _ reason: String) -> CommandFailure {
        CommandFailure("invalid argument \"\(text)\" for \"\(flag)\" flag: \(reason)")
    }
}
