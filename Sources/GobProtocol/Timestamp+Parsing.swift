extension Timestamp {
    /// The seconds since the epoch that an RFC 3339 time as gob writes it names
    /// (`2026-11-26T14:03:51Z`, `2026-11-26T19:49:44+05:30`; fractions of a second are
    /// ignored), or nil when `text` is not such a time. Clients use it to say how long
    /// ago a run started without Foundation's date parsing.
    public static func secondsSinceEpoch(parsing text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func separator(_ at: Int, _ character: Character) -> Bool {
            at < bytes.count && Character(UnicodeScalar(bytes[at])) == character
        }
        guard bytes.count >= 20, let year = number(0, 4), separator(4, "-"), let month = number(5, 2), separator(7, "-"),
              let day = number(8, 2), separator(10, "T") || separator(10, "t") || separator(10, " "),
              let hour = number(11, 2), separator(13, ":"), let minute = number(14, 2), separator(16, ":"),
              let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
              second < 61
        else { return nil }
        var index = 19
        if separator(index, ".") {
            index += 1
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        }
        var offset: Int64 = 0
        if separator(index, "Z") || separator(index, "z") {
            index += 1
        } else if separator(index, "+") || separator(index, "-") {
            guard let hours = number(index + 1, 2), separator(index + 3, ":"), let minutes = number(index + 4, 2) else {
                return nil
            }
            offset = (hours * 60 + minutes) * 60 * (separator(index, "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        return daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard
    /// Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
