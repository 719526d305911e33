import GobProtocol

/// How values that SQLite has no type for are stored.
enum Coding {
    /// An argv as one BLOB: the words separated by NUL bytes, which no word can hold.
    static func command(_ words: [OSString]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (n, word) in words.enumerated() {
            if n > 0 { bytes.append(0) }
            bytes += word.bytes
        }
        return bytes
    }

    /// The words of a stored argv, read in one pass over SQLite's bytes.
    static func command(from bytes: UnsafeRawBufferPointer) -> [OSString] {
        var words: [OSString] = []
        words.reserveCapacity(bytes.reduce(1) { $1 == 0 ? $0 + 1 : $0 })
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == 0 {
            words.append(OSString(bytes: Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))))
            start = index + 1
        }
        return words
    }

    /// Milliseconds as little-endian 64-bit integers, one after the other.
    static func durations(_ values: [Int64]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        return bytes
    }

    static func durations(from bytes: UnsafeRawBufferPointer) -> [Int64] {
        let count = bytes.count / 8
        guard count > 0 else { return [] }
        // Decoded on the stack, then copied into the array in one go: the array's
        // `unsafeUninitializedCapacity` initializer allocated through an unspecialized
        // generic path, ≈ 650 instructions a call, two calls for each job a daemon reads
        // back at start-up.
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: count) { values in
            for index in 0..<count {
                values[index] = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
            }
            return Array(values)
        }
    }
}
