import Glibc
@testable import GobClient
import GobProtocol
import GobTestSupport
import Testing

@Suite("Output prefixes and colours")
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

    @Test func coloursOnlyOnATerminal() throws {
        var pipeEnds: [Int32] = [-1, -1]
        #expect(pipe(&pipeEnds) == 0)
        defer { for fd in pipeEnds { close(fd) } }
        #expect(OutputSink(descriptor: pipeEnds[1]).colors == false, "a pipe is not a terminal")
        let file = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(file) }
        #expect(OutputSink(descriptor: file).colors == false, "nor is a file")
        let terminal = try #require(PseudoTerminal())
        // NO_COLOR, when the test run has it, turns colours off even on a terminal.
        #expect(OutputSink(descriptor: terminal.terminal).colors == (environmentValue("NO_COLOR") == nil))
    }
}
