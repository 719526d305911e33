/// How many colours the terminal shows.
public enum ColorMode: Equatable, Sendable {
    /// No colour attributes at all (`TERM=dumb`, `NO_COLOR`); backgrounds become reverse video.
    case none
    /// The xterm 256-colour palette; the design's colours are approximated.
    case palette256
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    case trueColor
}
