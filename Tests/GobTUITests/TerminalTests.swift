import Testing
@testable import GobTUI

@Suite("Terminal: keys, capabilities, screen cells, frame diffing")
struct TerminalTests {
    @Test("key decoding", arguments: [
        ([0x71], [Key.character("q")]),
        ([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x1B, 0x4F, 0x43, 0x1B, 0x4F, 0x44], [.up, .down, .right, .left]),
        ([0x1B, 0x5B, 0x35, 0x7E, 0x1B, 0x5B, 0x36, 0x7E, 0x1B, 0x5B, 0x33, 0x7E], [.pageUp, .pageDown, .delete]),
        ([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x41], [.up]),
        ([0x1B, 0x5B, 0x48, 0x1B, 0x5B, 0x46, 0x1B, 0x5B, 0x5A], [.home, .end, .backTab]),
        ([0x1B], [.escape]),
        ([0x1B, 0x1B], [.escape, .escape]),
        ([0x03, 0x15, 0x04, 0x09, 0x0D, 0x7F], [.control("c"), .control("u"), .control("d"), .tab, .enter, .backspace]),
        ([0x1B, 0x5B, 0x3C, 0x30, 0x3B, 0x31, 0x3B, 0x31, 0x4D, 0x6A], [.character("j")]),
        ([0x1B, 0x61, 0x6B], [.character("k")]),
        (Array("é漢 G".utf8), [.character("é"), .character("漢"), .character(" "), .character("G")]),
        ([0xFF, 0x6A, 0xE6, 0x6B], [.character("j"), .character("k")]),
    ] as [([UInt8], [Key])])
    func keys(bytes: [UInt8], expected: [Key]) {
        #expect(KeyParser.parse(bytes) == expected)
    }

    @Test func sequencesSplitAcrossReadsDecodeAsOneKey() {
        var parser = KeyParser()
        #expect(parser.feed([0x1B]) == [], "ESC alone: perhaps the start of a sequence")
        #expect(parser.feed([0x5B]) == [])
        #expect(parser.feed([0x41, 0x71]) == [.up, .character("q")])
        #expect(parser.pending.isEmpty)
        #expect(parser.feed([0x1B, 0x5B, 0x35]) == [])
        #expect(parser.feed([0x7E]) == [.pageUp])
        #expect(parser.feed([0x1B, 0x4F]) == [])
        #expect(parser.feed([0x44]) == [.left])
        #expect(parser.feed([0x1B, 0x5B, 0x31, 0x3B]) == [])
        #expect(parser.feed([0x35, 0x42]) == [.down])
        // A UTF-8 character cut in two.
        #expect(parser.feed([0x6A, 0xC3]) == [.character("j")])
        #expect(parser.feed([0xA9]) == [.character("é")])
        // Nothing follows an ESC: the escape key, once the loop gives up waiting.
        #expect(parser.feed([0x1B]) == [])
        #expect(parser.flush() == [.escape])
        #expect(parser.pending.isEmpty && parser.flush() == [])
        // Junk that never ends is dropped rather than kept forever.
        #expect(parser.feed([0x1B, 0x5B] + Array(repeating: 0x31, count: 100)) == [])
        #expect(parser.pending.isEmpty)
        #expect(parser.feed([0x71]) == [.character("q")])
    }

    @Test func capabilities() {
        func detect(_ variables: [String: String]) -> TerminalCapabilities {
            TerminalCapabilities { variables[$0] }
        }
        #expect(detect(["TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "en_US.UTF-8"]) == .init(colors: .trueColor, unicode: true))
        #expect(detect(["TERM": "xterm", "LC_ALL": "C", "LANG": "en_US.UTF-8"]) == .init(colors: .palette256, unicode: false))
        #expect(detect(["TERM": "screen", "LC_CTYPE": "de_DE.utf8"]) == .init(colors: .palette256, unicode: true))
        #expect(detect(["TERM": "dumb", "COLORTERM": "truecolor", "LC_ALL": "", "LANG": "C.UTF-8"]) == .init(colors: .none, unicode: true))
        #expect(detect(["TERM": "xterm", "NO_COLOR": "1"]).colors == .none)
        #expect(detect([:]) == .init(colors: .none, unicode: false))
    }

    @Test func paletteApproximation() {
        #expect(SGR.paletteIndex(Color(hex: 0x00A4FF)) == 39)
        #expect(SGR.paletteIndex(Color(hex: 0x000000)) == 16)
        #expect(SGR.paletteIndex(Color(hex: 0xFFFFFF)) == 231)
        #expect(SGR.paletteIndex(Color(hex: 0x3A3943)) == 237)
        #expect(SGR.paletteIndex(Color(hex: 0xFF577D)) == 204)
    }

    @Test func wideCharactersTakeTwoCellsAndNeverOverflow() {
        var screen = Screen(size: Size(rows: 1, columns: 5))
        #expect(screen.write("a漢b", row: 0, column: 0) == 4)
        #expect(screen.line(0) == "a漢b ")
        #expect(screen[0, 2].width == 0)
        // Overwriting half of a wide character blanks its other half.
        screen.write("x", row: 0, column: 2)
        #expect(screen.line(0) == "a xb ")
        screen.write("字字字", row: 0, column: 2)
        #expect(screen.line(0) == "a 字 ")
        screen.write("\u{1B}[31m\tz\u{0301}", row: 0, column: 0)
        #expect(screen.line(0).hasPrefix("?[31"))
    }

    @Test func firstFrameClearsAndDrawsOnlyNonBlankCells() {
        var screen = Screen(size: Size(rows: 2, columns: 4))
        screen.write("ab", row: 1, column: 1, style: Style(bold: true))
        let output = String(decoding: FrameEncoder.encode(screen, over: nil, colors: .trueColor), as: UTF8.self)
        #expect(output == "\u{1B}[0m\u{1B}[2J\u{1B}[2;2H\u{1B}[0;1mab\u{1B}[0m")
    }

    @Test func unchangedFrameWritesNothing() {
        var screen = Screen(size: Size(rows: 3, columns: 10))
        screen.write("hello", row: 1, column: 0, style: Style(foreground: Theme.accent))
        #expect(FrameEncoder.encode(screen, over: screen, colors: .palette256).isEmpty)
    }

    @Test func onlyChangedCellsAreWritten() {
        var before = Screen(size: Size(rows: 3, columns: 10))
        before.write("hello", row: 1, column: 0)
        var after = before
        after.write("J", row: 1, column: 0)
        after.write("y", row: 1, column: 4)
        after.write("!", row: 2, column: 9, style: Style(foreground: Theme.accent, background: Theme.ink))
        let output = String(decoding: FrameEncoder.encode(after, over: before, colors: .trueColor), as: UTF8.self)
        #expect(output == "\u{1B}[2;1H\u{1B}[0mJ\u{1B}[2;5Hy\u{1B}[3;10H\u{1B}[0;38;2;0;164;255;48;2;32;31;38m!\u{1B}[0m")
    }

    @Test func contiguousChangesNeedOneCursorMove() {
        let before = Screen(size: Size(rows: 1, columns: 10))
        var after = before
        after.write("abc漢d", row: 0, column: 2)
        let output = String(decoding: FrameEncoder.encode(after, over: before, colors: .none), as: UTF8.self)
        #expect(output == "\u{1B}[1;3H\u{1B}[0mabc漢d")
    }

    @Test func colourModes() {
        let style = Style(foreground: Theme.accent, background: Theme.selectedBackground, bold: true, italic: true)
        #expect(SGR.sequence(for: style, colors: .trueColor) == "\u{1B}[0;1;3;38;2;0;164;255;48;2;61;54;85m")
        #expect(SGR.sequence(for: style, colors: .palette256) == "\u{1B}[0;1;3;38;5;39;48;5;238m")
        #expect(SGR.sequence(for: style, colors: .none) == "\u{1B}[0;1;3;7m")
        #expect(SGR.sequence(for: Style(foreground: Theme.accent), colors: .none) == "\u{1B}[0m")
    }

    @Test func resizeRepaints() {
        let small = Screen(size: Size(rows: 1, columns: 2))
        var large = Screen(size: Size(rows: 2, columns: 2))
        large.write("x", row: 1, column: 1)
        let output = String(decoding: FrameEncoder.encode(large, over: small, colors: .none), as: UTF8.self)
        #expect(output == "\u{1B}[0m\u{1B}[2J\u{1B}[2;2Hx")
    }

    @Test func clipboardPreference() {
        #expect(Clipboard.candidates { _ in nil }.map(\.name) == ["pbcopy", "xclip", "xsel", "wl-copy"])
        #expect(Clipboard.candidates { $0 == "WAYLAND_DISPLAY" ? "wayland-0" : nil }.map(\.name) == ["pbcopy", "wl-copy", "xclip", "xsel"])
        #expect(Clipboard.find("sh", in: "/nonexistent::/bin") == "/bin/sh")
        #expect(Clipboard.find("surely-not-a-tool", in: "/bin:/usr/bin") == nil)
    }
}

