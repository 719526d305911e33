/// What the terminal can show, decided from the environment alone.
public struct TerminalCapabilities: Equatable, Sendable {
    public var colors: ColorMode
    /// The locale is UTF-8, so box drawing and `●` can be shown.
    public var unicode: Bool

    public init(colors: ColorMode, unicode: Bool) {
        self.colors = colors
        self.unicode = unicode
    }

    /// `lookup` returns an environment variable's value (nil when unset).
    public init(environment lookup: (String) -> String?) {
        let term = lookup("TERM") ?? ""
        let colorTerm = (lookup("COLORTERM") ?? "").lowercased()
        if term == "dumb" || term.isEmpty || lookup("NO_COLOR").map({ !$0.isEmpty }) == true {
            colors = .none
        } else if colorTerm == "truecolor" || colorTerm == "24bit" {
            colors = .trueColor
        } else {
            colors = .palette256
        }
        // POSIX precedence: the first of LC_ALL, LC_CTYPE, LANG that is set and not empty.
        var locale = ""
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = lookup(name), !value.isEmpty {
                locale = value
                break
            }
        }
        unicode = Self.namesUTF8(locale)
    }

    /// Whether a locale name says UTF-8 (`en_US.UTF-8`, `C.utf8`): its letters, any
    /// case, without dashes, contain `utf8`. Compared byte by byte: `String.contains`
    /// with a string argument goes through the string-processing library, whose first
    /// search built a `Dictionary<Character, Int>` type at run time and scanned every
    /// protocol conformance of the executable, 270,000 instructions of every
    /// `gob list`.
    static func namesUTF8(_ locale: String) -> Bool {
        let letters = locale.utf8.compactMap { byte -> UInt8? in
            byte == UInt8(ascii: "-") ? nil : (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        let wanted = Array("utf8".utf8)
        guard letters.count >= wanted.count else { return false }
        for start in 0...(letters.count - wanted.count) where letters[start..<(start + wanted.count)].elementsEqual(wanted) {
            return true
        }
        return false
    }
}
