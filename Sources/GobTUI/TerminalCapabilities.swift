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

    /// Whether a locale name says UTF-8 (`en_US.UTF-8`, `C.utf8`): "utf8" in it, in any
    /// case, once dashes are dropped. Compared byte by byte: `String.contains` instantiates
    /// generic metadata at run time, whose first use scans every protocol conformance in
    /// the executable, a third of a short `gob list`'s instructions.
    static func namesUTF8(_ locale: String) -> Bool {
        var letters: [UInt8] = []
        letters.reserveCapacity(locale.utf8.count)
        for byte in locale.utf8 where byte != UInt8(ascii: "-") {
            letters.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        let wanted: [UInt8] = [UInt8(ascii: "u"), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "8")]
        guard letters.count >= wanted.count else { return false }
        for start in 0...(letters.count - wanted.count) where letters[start..<(start + wanted.count)].elementsEqual(wanted) {
            return true
        }
        return false
    }
}
