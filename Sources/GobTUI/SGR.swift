/// Select Graphic Rendition sequences for a style, in the terminal's colour mode.
enum SGR {
    /// Resets, then sets every attribute of `style`.
    static func sequence(for style: Style, colors: ColorMode) -> String {
        var parameters = ["0"]
        if style.bold { parameters.append("1") }
        if style.italic { parameters.append("3") }
        switch colors {
        case .none:
            // Without colours, a background (the selected row, titles) shows as reverse video.
            if style.reverse || style.background != nil { parameters.append("7") }
        case .palette256, .trueColor:
            if style.reverse { parameters.append("7") }
            if let foreground = style.foreground { parameters.append("38;" + color(foreground, colors)) }
            if let background = style.background { parameters.append("48;" + color(background, colors)) }
        }
        return "\u{1B}[" + parameters.joined(separator: ";") + "m"
    }

    private static func color(_ color: Color, _ mode: ColorMode) -> String {
        if mode == .trueColor { return "2;\(color.red);\(color.green);\(color.blue)" }
        return "5;\(paletteIndex(color))"
    }

    /// The nearest xterm-256 colour: the closer of the 6×6×6 cube entry and the grey ramp.
    static func paletteIndex(_ color: Color) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeStep(_ value: UInt8) -> Int {
            let value = Int(value)
            return value < 48 ? 0 : value < 115 ? 1 : (value - 35) / 40
        }
        let (r, g, b) = (Int(color.red), Int(color.green), Int(color.blue))
        let (cr, cg, cb) = (cubeStep(color.red), cubeStep(color.green), cubeStep(color.blue))
        let cube = 16 + 36 * cr + 6 * cg + cb
        let cubeDistance = squared(levels[cr] - r) + squared(levels[cg] - g) + squared(levels[cb] - b)
        let average = (r + g + b) / 3
        let greyStep = average > 238 ? 23 : max(0, (average - 3) / 10)
        let grey = 8 + 10 * greyStep
        let greyDistance = squared(grey - r) + squared(grey - g) + squared(grey - b)
        return greyDistance < cubeDistance ? 232 + greyStep : cube
    }

    private static func squared(_ value: Int) -> Int { value * value }
}
