import Testing
@testable import GobTUI

@Suite("Log lines and panes: sanitising and bounds")
struct LogTextTests {
    @Test("escape sequences and control characters are removed", arguments: [
        ("\u{1B}[31mred\u{1B}[0m plain", "red plain"),
        ("\u{1B}[38;2;1;2;3mtrue\u{1B}[m", "true"),
        ("a\u{1B}]0;window title\u{07}b", "ab"),
        ("a\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\b", "alinkb"),
        ("\u{1B}Pdevice control\u{1B}\\after", "after"),
        ("\u{1B}(Bcharset\u{1B}7saved\u{1B}=", "charsetsaved"),
        ("\u{9B}31mc1\u{9D}osc\u{9C}ok", "c1ok"),
        ("bell\u{07} back\u{08}space\u{7F} nul\u{00}", "bell backspace nul"),
        ("progress 10%\rprogress 100%", "progress 100%"),
        ("crlf line\r", "crlf line"),
        ("a\tb\tc", "a       b       c"),
        ("漢\tx", "漢      x"),
        ("\u{1B}[", ""),
    ])
    func sanitize(input: String, expected: String) {
        #expect(LogLine.sanitize(Array(input.utf8)) == expected)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(LogLine.sanitize([0x61, 0xFF, 0xFE, 0x62, 0xE6, 0xBC]) == "a\u{FFFD}\u{FFFD}b\u{FFFD}")
    }

    @Test func veryLongLinesAreCut() {
        #expect(LogLine.sanitize([UInt8](repeating: 0x78, count: 100_000)).count == LogLine.maximumLength)
    }

    @Test func partialLinesAreShownAndCompleted() {
        var pane = LogPane()
        pane.append(Array("one\ntw".utf8))
        #expect(pane.displayLines == ["one", "tw"])
        pane.append(Array("o\n\n\nthree".utf8))
        #expect(pane.displayLines == ["one", "two", "three"])
        #expect(pane.lines == ["one", "two"])
        pane.append(Array("\n".utf8))
        #expect(pane.lines == ["one", "two", "three"])
    }

    @Test func multiByteCharactersSplitAcrossReads() {
        var pane = LogPane()
        let bytes = Array("漢字\n".utf8)
        pane.append(Array(bytes[0..<2]))
        pane.append(Array(bytes[2...]))
        #expect(pane.lines == ["漢字"])
    }

    @Test func onlyTheLastLinesAreKept() {
        var pane = LogPane()
        pane.append(TUIFixture.lines(12_000))
        #expect(pane.lines.count == LogPane.capacity)
        #expect(pane.lines.first == "line 7001")
        #expect(pane.lines.last == "line 12000")
        for index in 0..<3_000 { pane.append(Array("more \(index)\n".utf8)) }
        #expect(pane.lines.count == LogPane.capacity)
        #expect(pane.lines.first == "line 10001")
        #expect(pane.lines.last == "more 2999")
    }

    @Test func endlessLineWithoutNewlineStaysBounded() {
        var pane = LogPane()
        for _ in 0..<20 { pane.append([UInt8](repeating: 0x79, count: 10_000)) }
        #expect(pane.lineCount <= 4)
        #expect(pane.displayLines.allSatisfy { $0.count <= LogLine.maximumLength })
    }

    @Test func tailStartFindsTheLinesAPaneKeeps() {
        let bytes = Array("a\nb\nc\npartial".utf8)
        #expect(LogPane.tailStart(of: bytes, keepingLines: 2) == 2)
        #expect(LogPane.tailStart(of: bytes, keepingLines: 3) == nil)
        #expect(LogPane.tailStart(of: Array("a\nb\n".utf8), keepingLines: 1) == 2)
        #expect(LogPane.tailStart(of: [], keepingLines: 0) == nil)
    }

    @Test func scrollingStaysInBounds() {
        var pane = LogPane()
        pane.append(TUIFixture.lines(10))
        var atBottom = pane.scroll(by: 100, height: 4)
        #expect(atBottom)
        #expect(pane.top == 6)
        atBottom = pane.scroll(by: -100, height: 4)
        #expect(!atBottom)
        #expect(pane.top == 0)
        atBottom = pane.scroll(by: 1, height: 20)
        #expect(atBottom)
        #expect(pane.top == 0)
    }
}
