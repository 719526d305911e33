/// Job IDs: short random words of lowercase letters and digits, easy to read aloud, type
/// and keep in an agent's context (`k3f`).
///
/// A new ID has 3 characters while those are not crowded: 8 random draws that all name
/// existing jobs mean they are, and the next draws have 4 characters, then 5, and so on.
/// With 36³ = 46,656 three-character IDs, a table needs well over half of them taken
/// before a 4-character one is likely (at half, 1 in 256). IDs of earlier gob versions
/// (the creation time in base 62, `V3x0QqI`) are still recognised in file names.
public enum JobID {
    /// The characters of new IDs.
    public static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Length of a new ID while short ones are not crowded.
    public static let shortLength = 3

    /// Random draws at one length, all taken, before the next length is tried.
    public static let drawsPerLength = 8

    /// A new ID that `isTaken` does not know, drawn from the system's random source.
    public static func unique(isTaken: (String) -> Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        return unique(isTaken: isTaken, using: &generator)
    }

    /// A new ID that `isTaken` does not know, drawn from `generator`.
    public static func unique(isTaken: (String) -> Bool, using generator: inout some RandomNumberGenerator) -> String {
        var length = shortLength
        while true {
            for _ in 0..<drawsPerLength {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(length)
                for _ in 0..<length {
                    bytes.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))])
                }
                let id = String(decoding: bytes, as: UTF8.self)
                if !isTaken(id) { return id }
            }
            length += 1
        }
    }

    /// The creation time, in Unix milliseconds, that an ID of an earlier gob version
    /// spells in base 62 (`0-9A-Za-z`), or nil when `id` is not base-62 text of at most
    /// 64 bits. Every ID of this version is such text too (up to 10 characters, which no
    /// table reaches), so this is also the check that a log file's name is a job's
    /// (`RuntimePaths.jobID(ofLogFile:)`), for logs of both forms.
    public static func decode(_ id: String) -> Int64? {
        guard !id.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in id.utf8 {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit = byte - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = byte - UInt8(ascii: "a") + 36
            default: return nil
            }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 62)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
