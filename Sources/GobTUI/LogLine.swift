/// Turns one raw line of job output into text that is safe to put on the screen
/// (contract §6.2, issue: "a job printing escape sequences or invalid UTF-8").
///
/// Invalid UTF-8 becomes U+FFFD; escape sequences (CSI, OSC, DCS and the other string
/// sequences, two-byte escapes, their 8-bit C1 forms) are removed; a carriage return
/// keeps what was written after it, as a terminal would show it; tabs expand to the next
/// multiple of 8 columns; every other control character is dropped. The result is cut to
/// `maximumLength` characters, more than any pane shows.
enum LogLine {
    static let maximumLength = 1024
    private static let escape: UInt32 = 0x1B

    static func sanitize(_ bytes: some Collection<UInt8>) -> String {
        let decoded = String(decoding: bytes, as: UTF8.self)
        var output = String.UnicodeScalarView()
        var column = 0
        var count = 0
        var returned = false
        var scalars = decoded.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar.value {
            case escape:
                skipEscape(&scalars)
                continue
            case 0x9B:
                skipControlSequence(&scalars)
                continue
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                skipString(&scalars)
                continue
            case 0x0D:
                returned = true
                continue
            case 0x09:
                if returned { (output, column, count, returned) = (.init(), 0, 0, false) }
                let spaces = 8 - column % 8
                for _ in 0..<spaces where count < maximumLength {
                    output.append(" ")
                    count += 1
                }
                column += spaces
                continue
            case 0..<0x20, 0x7F...0x9F:
                continue
            default:
                break
            }
            if returned { (output, column, count, returned) = (.init(), 0, 0, false) }
            guard count < maximumLength else { continue }
            output.append(scalar)
            count += 1
            column += DisplayWidth.of(Character(scalar))
        }
        return String(output)
    }

    /// Skips what follows an ESC: `[` starts a control sequence, `]`, `P`, `X`, `^`, `_`
    /// a string ended by BEL or ESC `\`; otherwise intermediates (0x20–0x2F) and one final
    /// character.
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let next = scalars.next() else { return }
        switch next {
        case "[": skipControlSequence(&scalars)
        case "]", "P", "X", "^", "_": skipString(&scalars)
        default:
            var current = next
            while (0x20...0x2F).contains(current.value), let following = scalars.next() { current = following }
        }
    }

    /// Skips parameters and intermediates up to the final byte (0x40–0x7E).
    private static func skipControlSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next() {
            if (0x40...0x7E).contains(scalar.value) || scalar.value > 0x7E { return }
        }
    }

    /// Skips an OSC/DCS-style string up to BEL, ST (0x9C) or ESC `\`.
    private static func skipString(_ scalars: inout String.UnicodeScalarView.Iterator) {
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x07, 0x9C: return
            case escape:
                _ = scalars.next()
                return
            default: continue
            }
        }
    }
}
