/// A 24-bit colour, written as hex values (`#00A4FF`).
public struct Color: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `Color(hex: 0x00A4FF)`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }
}

/// How one cell is drawn. Colours are the design's true colours; the terminal adapter
/// degrades them to what the terminal supports (`ColorMode`).
public struct Style: Hashable, Sendable {
    public var foreground: Color?
    public var background: Color?
    public var bold: Bool
    public var italic: Bool
    /// Swapped foreground and background: the text input's cursor.
    public var reverse: Bool

    public init(
        foreground: Color? = nil, background: Color? = nil,
        bold: Bool = false, italic: Bool = false, reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.italic = italic
        self.reverse = reverse
    }

    /// The terminal's default colours, no attributes.
    public static let plain = Style()
}
