/// Decoding one Unicode scalar from bytes that may not be UTF-8 (job output, argv), for
/// code that must tell valid text from invalid bytes one character at a time.
enum UTF8Scalar {
    /// The scalar starting at `index` and the bytes it takes; for bytes that are not
    /// well-formed UTF-8 there, nil and the length of the invalid part — the longest
    /// start of a valid sequence, at least one byte — which, like the standard library's
    /// decoder, becomes one U+FFFD.
    static func decode(_ bytes: [UInt8], at index: Int) -> (scalar: Unicode.Scalar?, length: Int) {
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        // The continuation bytes each lead allows (Unicode Table 3-7): the first may be
        // narrower, to rule out overlong forms, surrogates and values past U+10FFFF.
        let length: Int
        var first: ClosedRange<UInt8> = 0x80...0xBF
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: (length, value) = (2, UInt32(lead & 0x1F))
        case 0xE0: (length, value, first) = (3, 0, 0xA0...0xBF)
        case 0xED: (length, value, first) = (3, 0x0D, 0x80...0x9F)
        case 0xE1...0xEF: (length, value) = (3, UInt32(lead & 0x0F))
        case 0xF0: (length, value, first) = (4, 0, 0x90...0xBF)
        case 0xF4: (length, value, first) = (4, 4, 0x80...0x8F)
        case 0xF1...0xF3: (length, value) = (4, UInt32(lead & 0x07))
        default: return (nil, 1)
        }
        for offset in 1..<length {
            let position = index + offset
            let allowed = offset == 1 ? first : 0x80...0xBF
            guard position < bytes.count, allowed.contains(bytes[position]) else { return (nil, offset) }
            value = value << 6 | UInt32(bytes[position] & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return (nil, length) }
        return (scalar, length)
    }
}
