import GobProtocol
import Testing

/// Job output made harmless for a terminal, with or without the job's colours.
@Suite("Terminal text")
struct TerminalTextTests {
    static func clean(_ text: String, colors: Bool = true, returns: Bool = false) -> String {
        String(decoding: TerminalText.sanitize(Array(text.utf8), keepColors: colors, keepCarriageReturns: returns), as: UTF8.self)
    }

    @Test func plainTextIsUntouched() {
        #expect(Self.clean("hello\tworld\n日本 é\n") == "hello\tworld\n日本 é\n")
    }

    @Test func coloursStayOnlyWhenAsked() {
        let red = "\u{1B}[31mred\u{1B}[0m \u{1B}[1;38;5;208mbold\u{1B}[m\n"
        #expect(Self.clean(red) == red)
        #expect(Self.clean(red, colors: false) == "red bold\n")
    }

    @Test("what a terminal would obey is removed", arguments: [
        ("a\u{1B}[2Jb", "ab"),                      // clear the screen
        ("a\u{1B}[10;5Hb", "ab"),                   // move the cursor
        ("a\u{1B}[?1049hb", "ab"),                  // alternate screen (not plain parameters)
        ("a\u{1B}[>4mb", "ab"),                     // private SGR-like
        ("a\u{1B}]0;title\u{07}b", "ab"),           // window title, ended by BEL
        ("a\u{1B}]52;c;ZXZpbA==\u{1B}\\b", "ab"),   // clipboard write, ended by ST
        ("a\u{1B}Pq#0\u{1B}\\b", "ab"),             // DCS
        ("a\u{1B}(0b", "ab"),                       // character set
        ("a\u{1B}cb", "ab"),                        // reset
        ("a\u{9B}2Jb", "ab"),                       // 8-bit CSI
        ("a\u{9D}0;t\u{9C}b", "ab"),                // 8-bit OSC and ST
        ("a\u{85}\u{7F}\u{08}\u{07}b", "ab"),       // other controls
        ("progress 10%\rprogress 20%\n", "progress 10%progress 20%\n"),
        ("cut \u{1B}[3", "cut "),                   // a sequence cut short
        ("cut \u{1B}", "cut "),
    ])
    func removed(input: String, output: String) {
        #expect(Self.clean(input) == output)
    }

    @Test func carriageReturnsStayWhenAsked() {
        #expect(Self.clean("a\rb", returns: true) == "a\rb")
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let bytes: [UInt8] = [0x61, 0xFF, 0xFE, 0x62, 0xE6, 0xBC, 0x0A, 0xED, 0xA0, 0x80, 0xC0, 0xAF]
        let text = String(decoding: TerminalText.sanitize(bytes, keepColors: true, keepCarriageReturns: false), as: UTF8.self)
        #expect(text == String(decoding: bytes, as: UTF8.self), "one U+FFFD per invalid part, as Swift's decoder")
        #expect(text == "a\u{FFFD}\u{FFFD}b\u{FFFD}\n\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}")
    }
}
