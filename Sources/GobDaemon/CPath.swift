/// A path or file name as the NUL-terminated bytes a system call takes, assembled piece
/// by piece without `String` interpolation.
struct CPath {
    /// The bytes, always ending in NUL.
    private(set) var bytes: [CChar]

    init(_ text: String) {
        bytes = []
        bytes.reserveCapacity(text.utf8.count + 48)
        bytes.append(0)
        add(text)
    }

    mutating func add(_ text: String) {
        bytes.removeLast()
        for byte in text.utf8 { bytes.append(CChar(bitPattern: byte)) }
        bytes.append(0)
    }

    mutating func add(_ text: StaticString) {
        bytes.removeLast()
        text.withUTF8Buffer { for byte in $0 { bytes.append(CChar(bitPattern: byte)) } }
        bytes.append(0)
    }

    /// Overwrites the last bytes before the NUL with `text` (as long as they are).
    mutating func overwriteEnd(_ text: StaticString) {
        let count = text.utf8CodeUnitCount
        guard count < bytes.count else { return }
        let start = bytes.count - 1 - count
        text.withUTF8Buffer { source in
            for (offset, byte) in source.enumerated() { bytes[start + offset] = CChar(bitPattern: byte) }
        }
    }

    /// Appends a non-negative number in decimal (a negative one as 0: run numbers start at 1).
    mutating func add(decimal value: Int64) {
        bytes.removeLast()
        let start = bytes.count
        var rest = max(value, 0)
        repeat {
            bytes.append(CChar(bitPattern: UInt8(ascii: "0") + UInt8(rest % 10)))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
        bytes.append(0)
    }
}
