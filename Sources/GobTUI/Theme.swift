/// The TUI's colours and styles, in one place.
enum Theme {
    static let accent = Color(hex: 0x00A4FF)
    static let ink = Color(hex: 0x201F26)
    static let muted = Color(hex: 0x858392)
    static let headerBackground = Color(hex: 0x3A3943)
    static let unfocusedBorder = Color(hex: 0x605F6B)
    static let unfocusedTitleBackground = Color(hex: 0x4D4C57)
    static let unfocusedTitleText = Color(hex: 0xDFDBDD)
    static let running = Color(hex: 0x12C78F)
    static let stopped = Color(hex: 0xFF577D)
    static let jobID = Color(hex: 0xC259FF)
    static let selectedBackground = Color(hex: 0x3D3655)
    static let selectedText = Color(hex: 0xF1EFEF)
    static let stderrText = Color(hex: 0xFFAA33)
    static let statusText = Color(hex: 0xBFBCC8)

    /// ` gob ` and the job counts in the header.
    static let brand = Style(foreground: ink, background: accent, bold: true)
    /// The directory part of the header.
    static let directory = Style(foreground: muted, background: headerBackground)
    static let mutedText = Style(foreground: muted)
    static let selectedRow = Style(foreground: selectedText, background: selectedBackground)
    static let runningGlyph = Style(foreground: running, bold: true)
    /// A job that ended well is quiet; one that failed stands out.
    static let stoppedGlyph = Style(foreground: muted)
    static let failedGlyph = Style(foreground: stopped, bold: true)
    static let identifier = Style(foreground: jobID)
    static let errorLine = Style(foreground: stderrText)
    static let successMessage = Style(foreground: running, bold: true)
    static let errorMessage = Style(foreground: stopped, bold: true)
    static let hintKey = Style(foreground: accent)
    static let hintDescription = Style(foreground: muted)
    static let dialogBorder = Style(foreground: accent)
    static let dialogTitle = Style(foreground: accent, bold: true)

    /// A panel's border.
    static func border(focused: Bool) -> Style {
        Style(foreground: focused ? accent : unfocusedBorder)
    }

    /// A panel's title.
    static func title(focused: Bool) -> Style {
        focused
            ? Style(foreground: ink, background: accent, bold: true)
            : Style(foreground: unfocusedTitleText, background: unfocusedTitleBackground, bold: true)
    }
}
