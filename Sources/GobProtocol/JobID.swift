/// Job IDs: the creation time in Unix milliseconds written in base 62 (contract §1.7).
public enum JobID {
    /// Digit values in ASCII order, so equal-length IDs sort chronologically.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// The base-62 text of `milliseconds`, most significant digit first, no padding.
    public static func encode(milliseconds: Int64) -> String {
        guard milliseconds > 0 else { return "0" }
        var value = milliseconds
        var digits: [Character] = []
        while value > 0 {
            digits.append(alphabet[Int(value % 62)])
            value /= 62
        }
        return String(digits.reversed())
    }

    /// The millisecond value of an ID, or nil when it is not base 62.
    public static func decode(_ id: String) -> Int64? {
        guard !id.isEmpty else { return nil }
        var value: Int64 = 0
        for character in id {
            guard let digit = alphabet.firstIndex(of: character) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// A new ID for `milliseconds`, bumped to the next free millisecond while `isTaken`
    /// says the ID exists already (Decision D7). Returns the ID and the value used.
    public static func unique(milliseconds: Int64, isTaken: (String) -> Bool) -> (id: String, milliseconds: Int64) {
        var value = milliseconds
        var id = encode(milliseconds: value)
        while isTaken(id) {
            value += 1
            id = encode(milliseconds: value)
        }
        return (id, value)
    }
}
