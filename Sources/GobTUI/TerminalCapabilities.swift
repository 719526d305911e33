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
        unicode = locale.lowercased().filter { $0 != "-" }.contains("utf8")
    }
}
