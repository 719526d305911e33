@testable import GobTUI
import Testing

@Suite("Terminal capabilities: the locale's UTF-8, read byte by byte")
struct TerminalCapabilitiesTests {
    @Test(arguments: [
        ("en_US.UTF-8", true), ("C.utf8", true), ("de_DE.Utf-8@euro", true), ("UTF8", true), ("u-t-f-8", true),
        ("C", false), ("", false), ("en_US.ISO-8859-1", false), ("utf", false), ("UTF-16", false), ("ütf8", false),
    ])
    func locales(name: String, unicode: Bool) {
        #expect(TerminalCapabilities.namesUTF8(name) == unicode)
        #expect(TerminalCapabilities { $0 == "LANG" ? name : $0 == "TERM" ? "xterm" : nil }.unicode == unicode)
    }
}
