import GobProtocol

/// Turns one raw line of job output into text that is safe to put on the screen: what
/// `TerminalText` removes is gone, a carriage return keeps what was written after it (as
/// a terminal would show it), tabs expand to the next multiple of 8 columns. The result
/// is cut to `maximumLength` characters, more than any pane shows.
enum LogLine {
    static let maximumLength = 1024

    static func sanitize(_ bytes: ArraySlice<UInt8>) -> String {
        sanitize(Array(bytes))
    }

    static func sanitize(_ bytes: [UInt8]) -> String {
        let clean = TerminalText.sanitize(bytes, keepColors: false, keepCarriageReturns: true)
        // What the last carriage return followed by text left visible.
        let visible = clean.split(separator: 0x0D).last ?? clean[...]
        var output = String.UnicodeScalarView()
        var column = 0
        var count = 0
        for scalar in String(decoding: visible, as: UTF8.self).unicodeScalars {
            guard count < maximumLength else { break }
            if scalar == "\t" {
                let spaces = 8 - column % 8
                for _ in 0..<spaces where count < maximumLength {
                    output.append(" ")
                    count += 1
                }
                column += spaces
                continue
            }
            // A line feed cannot be part of one line.
            if scalar == "\n" { continue }
            output.append(scalar)
            count += 1
            column += DisplayWidth.of(Character(scalar))
        }
        return String(output)
    }
}
