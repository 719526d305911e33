@testable import GobClient
import Testing

@Suite("Output prefixes and colours (D10)")
struct OutputSinkTests {
    @Test func coloursOnlyWhenAskedFor() {
        let plain = OutputSink(descriptor: 1, colors: false)
        #expect(plain.stdoutPrefix("V3x0QqI") == "[V3x0QqI] ")
        #expect(plain.stderrPrefix("V3x0QqI") == "[V3x0QqI] ")
        #expect(plain.monitorLine("all processes stopped") == "[monitor] all processes stopped\n")
        let coloured = OutputSink(descriptor: 1, colors: true)
        #expect(coloured.stdoutPrefix("V3x0QqI") == "[V3x0QqI] ")
        #expect(coloured.stderrPrefix("V3x0QqI") == "\u{1B}[38;5;208m[V3x0QqI]\u{1B}[0m ")
        #expect(coloured.monitorLine("waiting for jobs...") == "\u{1B}[36m[monitor]\u{1B}[0m waiting for jobs...\n")
    }

    @Test func notATerminalMeansNoColours() {
        // The test's output is captured, not a terminal.
        #expect(OutputSink(descriptor: -1).colors == false)
    }
}
