/// Commands as people type them and as gob shows them.
///
/// gob runs a job's argv directly, never through a shell. When a command arrives as one
/// string (`gob add "sh -c 'echo a b'"`, the TUI's new-job dialog), `split` cuts it into
/// words the way a POSIX shell would — single quotes, double quotes, backslashes,
/// `$'…'` — but expands nothing; shell syntax that would need a shell to mean anything
/// (pipes, redirections, `;`, `&`, `$VAR`, backquotes, a comment) is refused rather than
/// passed on as a literal word, so a job never runs something other than what was typed.
///
/// `quote` is the way back: each word is shown bare when a shell would read it so, and
/// quoted otherwise (`sh -c 'echo a b'`), so a command line gob prints can be pasted into
/// a shell or the dialog and gives the same argv. Words with control characters or bytes
/// that are not UTF-8 are written as `$'…'` with escapes (POSIX.1-2024, bash, zsh, ksh).
///
/// Plain loops over concrete types: `gob list` quotes every job's command, and the
/// standard library's generic helpers (`joined(separator:)`) run unspecialized from here
/// and look up a protocol conformance at run time, which costs a short-lived command a
/// scan of every conformance record.
public enum ShellWords {
    /// Why a string is not a command gob can run as typed.
    public enum SplitError: Error, Equatable, Sendable, CustomStringConvertible {
        /// A `'` or `"` (or `$'`) that is never closed.
        case unterminatedQuote(String)
        /// Unquoted shell syntax, e.g. `|`, `>`, `&&`, `$HOME`, a backquote.
        case shellSyntax(String)

        public var description: String {
            switch self {
            case let .unterminatedQuote(quote):
                "unterminated \(quote) in the command (close it, or give the words as separate arguments)"
            case let .shellSyntax(text):
                "the command uses shell syntax (\(text)), but gob runs commands without a shell; "
                    + "to use a shell, run it: sh -c '…'"
            }
        }
    }

    /// The words of `text`, as a POSIX shell would split it, without any expansion.
    public static func split(_ text: String) throws(SplitError) -> [String] {
        var words: [String] = []
        for word in try splitBytes(text) { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }

    /// `split`, keeping the bytes a `$'\xHH'` escape makes, which need not be UTF-8.
    public static func splitBytes(_ text: String) throws(SplitError) -> [[UInt8]] {
        let input = Array(text.utf8)
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        var inWord = false
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch byte {
            case space, tab, newline:
                if inWord {
                    words.append(current)
                    current = []
                    inWord = false
                }
                index += 1
            case singleQuote:
                inWord = true
                guard let close = firstIndex(of: singleQuote, in: input, from: index + 1) else {
                    throw .unterminatedQuote("'")
                }
                current.append(contentsOf: input[(index + 1)..<close])
                index = close + 1
            case doubleQuote:
                inWord = true
                index = try readDoubleQuoted(input, from: index + 1, into: &current)
            case backslash:
                inWord = true
                if index + 1 < input.count {
                    // Backslash-newline joins lines; any other character is taken as is.
                    if input[index + 1] != newline { current.append(input[index + 1]) }
                    index += 2
                } else {
                    current.append(backslash)
                    index += 1
                }
            case dollar where index + 1 < input.count && input[index + 1] == singleQuote:
                inWord = true
                index = try readDollarQuoted(input, from: index + 2, into: &current)
            case dollar where index + 1 < input.count && startsExpansion(input[index + 1]):
                throw .shellSyntax(syntax(input, at: index))
            case backquote, UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: "<"),
                 UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"):
                throw .shellSyntax(syntax(input, at: index))
            case UInt8(ascii: "#") where !inWord:
                throw .shellSyntax("# starts a comment")
            default:
                inWord = true
                current.append(byte)
                index += 1
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// `words` as one line a shell reads back as the same words: each quoted only where
    /// needed, separated by single spaces.
    public static func quote(_ words: [String]) -> String {
        var line = ""
        var first = true
        for word in words {
            if !first { line += " " }
            // A first word with `=` would read as a variable assignment.
            line += first && word.utf8.contains(UInt8(ascii: "=")) ? quoteUnsafe(Array(word.utf8)) : quote(word)
            first = false
        }
        return line
    }

    /// One word as a shell would need it: bare when it is made of characters no shell
    /// treats specially, else quoted.
    public static func quote(_ word: String) -> String {
        var safe = !word.isEmpty
        var ascii = true
        for byte in word.utf8 where !isSafe(byte) {
            guard byte >= 0x80 else {
                safe = false
                break
            }
            ascii = false
        }
        if safe, !ascii, needsEscapes(Array(word.utf8)) { safe = false }
        return safe ? word : quoteUnsafe(Array(word.utf8))
    }

    /// One word given as bytes (an argv entry need not be UTF-8).
    public static func quote(bytes word: [UInt8]) -> String {
        var safe = !word.isEmpty
        var ascii = true
        for byte in word where !isSafe(byte) {
            guard byte >= 0x80 else {
                safe = false
                break
            }
            ascii = false
        }
        if safe, !ascii, needsEscapes(word) { safe = false }
        return safe ? String(decoding: word, as: UTF8.self) : quoteUnsafe(word)
    }

    /// Words given as bytes, as one line (see `quote(_:)` for `[String]`).
    public static func quote(byteWords words: [[UInt8]]) -> String {
        var line = ""
        var first = true
        for word in words {
            if !first { line += " " }
            line += first && word.contains(UInt8(ascii: "=")) ? quoteUnsafe(word) : quote(bytes: word)
            first = false
        }
        return line
    }

    // MARK: - Quoting

    /// Letters, digits and `_ @ % + = : , . / -` are never special to a shell. Non-ASCII
    /// text is not either, unless it is invisible or not UTF-8 (`needsEscapes`).
    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "="),
             UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// A word that needs quotes: `'…'`, or `"…"` when it holds a `'` and nothing special
    /// inside double quotes, or `$'…'` when it holds anything a terminal or a paste would
    /// not carry faithfully.
    private static func quoteUnsafe(_ word: [UInt8]) -> String {
        if needsEscapes(word) { return dollarQuoted(word) }
        let text = String(decoding: word, as: UTF8.self)
        guard word.contains(singleQuote) else { return "'" + text + "'" }
        var doubleQuotable = true
        for byte in word where byte == doubleQuote || byte == dollar || byte == backquote || byte == backslash
            || byte == UInt8(ascii: "!") {
            doubleQuotable = false
            break
        }
        if doubleQuotable { return "\"" + text + "\"" }
        var quoted = "'"
        for scalar in text.unicodeScalars {
            if scalar == "'" { quoted += "'\\''" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "'"
    }

    /// Whether `word` holds a control character, an invisible formatting character
    /// (which could make a shown command read differently from what runs) or bytes
    /// that are not UTF-8.
    private static func needsEscapes(_ word: [UInt8]) -> Bool {
        var index = 0
        while index < word.count {
            let (scalar, length) = UTF8Scalar.decode(word, at: index)
            guard let scalar, !isInvisible(scalar) else { return true }
            index += length
        }
        return false
    }

    /// `$'…'`: printable characters as they are, the rest as escapes.
    private static func dollarQuoted(_ word: [UInt8]) -> String {
        var quoted = "$'"
        var index = 0
        while index < word.count {
            let (decoded, length) = UTF8Scalar.decode(word, at: index)
            guard let scalar = decoded else {
                for byte in word[index..<(index + length)] { quoted += "\\x" + hex(byte) }
                index += length
                continue
            }
            switch scalar {
            case "\\": quoted += "\\\\"
            case "'": quoted += "\\'"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            case "\u{1B}": quoted += "\\e"
            default:
                if scalar.value < 0x80, isInvisible(scalar) {
                    quoted += "\\x" + hex(UInt8(scalar.value))
                } else if isInvisible(scalar) {
                    quoted += "\\u" + hex(UInt8(scalar.value >> 8)) + hex(UInt8(scalar.value & 0xFF))
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
            index += length
        }
        return quoted + "'"
    }

    /// C0 and C1 controls, DEL, and the formatting characters that change how the text
    /// around them reads (bidirectional overrides, zero-width characters) — all in the
    /// Basic Multilingual Plane.
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = ""
        text.unicodeScalars.append(digits[Int(byte >> 4)])
        text.unicodeScalars.append(digits[Int(byte & 0x0F)])
        return text
    }

    // MARK: - Splitting

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let newline = UInt8(ascii: "\n")
    private static let singleQuote = UInt8(ascii: "'")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
    private static let dollar = UInt8(ascii: "$")
    private static let backquote = UInt8(ascii: "`")

    private static func firstIndex(of byte: UInt8, in input: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < input.count {
            if input[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// Whether `$` followed by `byte` expands in a shell: a name, `{`, `(`, a digit or a
    /// special parameter.
    private static func startsExpansion(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "("),
             UInt8(ascii: "@"), UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "?"), UInt8(ascii: "$"),
             UInt8(ascii: "!"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// The refused syntax as the user typed it: an operator of one or two characters, or
    /// a `$` expansion's first characters.
    private static func syntax(_ input: [UInt8], at index: Int) -> String {
        let byte = input[index]
        if byte == dollar || byte == backquote {
            var end = index + 1
            while end < input.count, end < index + 8,
                  ![space, tab, newline, singleQuote, doubleQuote].contains(input[end]) {
                end += 1
            }
            return String(decoding: input[index..<end], as: UTF8.self)
        }
        let pairs: [UInt8] = [UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: ">"), UInt8(ascii: "<")]
        if index + 1 < input.count, input[index + 1] == byte, pairs.contains(byte) {
            return String(decoding: input[index...(index + 1)], as: UTF8.self)
        }
        return String(decoding: input[index...index], as: UTF8.self)
    }

    /// The inside of `"…"` from `start`; returns the index after the closing quote. A
    /// backslash escapes only `$`, a backquote, `"`, `\` and a newline (which it removes).
    private static func readDoubleQuoted(_ input: [UInt8], from start: Int, into word: inout [UInt8]) throws(SplitError) -> Int {
        var index = start
        while index < input.count {
            let byte = input[index]
            switch byte {
            case doubleQuote:
                return index + 1
            case backslash where index + 1 < input.count:
                let next = input[index + 1]
                switch next {
                case dollar, backquote, doubleQuote, backslash:
                    word.append(next)
                    index += 2
                case newline:
                    index += 2
                default:
                    word.append(byte)
                    index += 1
                }
            case backquote:
                throw .shellSyntax(syntax(input, at: index))
            case dollar where index + 1 < input.count && startsExpansion(input[index + 1]):
                throw .shellSyntax(syntax(input, at: index))
            default:
                word.append(byte)
                index += 1
            }
        }
        throw .unterminatedQuote("\"")
    }

    /// The inside of `$'…'` from `start` (after the quote), with C-style escapes; returns
    /// the index after the closing quote.
    private static func readDollarQuoted(_ input: [UInt8], from start: Int, into word: inout [UInt8]) throws(SplitError) -> Int {
        var index = start
        while index < input.count {
            let byte = input[index]
            if byte == singleQuote { return index + 1 }
            guard byte == backslash, index + 1 < input.count else {
                word.append(byte)
                index += 1
                continue
            }
            let escape = input[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "n"): word.append(0x0A)
            case UInt8(ascii: "t"): word.append(0x09)
            case UInt8(ascii: "r"): word.append(0x0D)
            case UInt8(ascii: "a"): word.append(0x07)
            case UInt8(ascii: "b"): word.append(0x08)
            case UInt8(ascii: "f"): word.append(0x0C)
            case UInt8(ascii: "v"): word.append(0x0B)
            case UInt8(ascii: "e"), UInt8(ascii: "E"): word.append(0x1B)
            case backslash, singleQuote, doubleQuote, UInt8(ascii: "?"): word.append(escape)
            case UInt8(ascii: "x"):
                let (value, used) = number(input, from: index, radix: 16, maximumDigits: 2)
                if used == 0 {
                    word.append(contentsOf: [backslash, escape])
                } else {
                    word.append(UInt8(value))
                    index += used
                }
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let (value, used) = number(input, from: index, radix: 16, maximumDigits: escape == UInt8(ascii: "u") ? 4 : 8)
                if used > 0, let scalar = Unicode.Scalar(value) {
                    word.append(contentsOf: Array(String(Character(scalar)).utf8))
                    index += used
                } else {
                    word.append(contentsOf: [backslash, escape])
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                let (value, used) = number(input, from: index - 1, radix: 8, maximumDigits: 3)
                word.append(UInt8(truncatingIfNeeded: value))
                index += used - 1
            default:
                word.append(contentsOf: [backslash, escape])
            }
        }
        throw .unterminatedQuote("$'")
    }

    /// A number of at most `maximumDigits` digits at `start`, and how many digits it took.
    private static func number(_ input: [UInt8], from start: Int, radix: UInt32, maximumDigits: Int) -> (UInt32, Int) {
        var value: UInt32 = 0
        var used = 0
        while used < maximumDigits, start + used < input.count {
            let byte = input[start + used]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A")) + 10
            default: digit = radix
            }
            guard digit < radix else { break }
            value = value * radix + digit
            used += 1
        }
        return (value, used)
    }
}
