import Glibc
import GobProtocol
import Testing

@Suite("Signal names")
struct SignalNameTests {
    @Test("accepted forms", arguments: [
        ("TERM", SIGTERM), ("term", SIGTERM), ("SIGTERM", SIGTERM), ("sigterm", SIGTERM), ("SigTerm", SIGTERM),
        ("15", 15), ("+15", 15), ("0", 0), ("-9", -9), ("99", 99),
        ("HUP", SIGHUP), ("int", SIGINT), ("QUIT", SIGQUIT), ("KILL", SIGKILL), ("usr1", SIGUSR1),
        ("SIGUSR2", SIGUSR2), ("STOP", SIGSTOP), ("CONT", SIGCONT), ("ALRM", SIGALRM), ("PIPE", SIGPIPE),
        ("CHLD", SIGCHLD), ("ABRT", SIGABRT), ("TRAP", SIGTRAP),
    ] as [(String, Int32)])
    func parses(text: String, number: Int32) {
        #expect(SignalName.parse(text) == number)
    }

    @Test("refused forms", arguments: ["INVALID", "SIGSIGTERM", "", "SIG", "WINCH", "1.5", "+", "-", "15x", " 15"])
    func refuses(text: String) {
        #expect(SignalName.parse(text) == nil)
    }

    @Test func hugeNumbersStayInvalidForTheKernel() {
        #expect(SignalName.parse("99999999999") == Int32.max)
    }

    @Test func names() {
        #expect(SignalName.name(of: SIGTERM) == "SIGTERM")
        #expect(SignalName.name(of: SIGKILL) == "SIGKILL")
        #expect(SignalName.name(of: SIGSEGV) == "SIGSEGV")
        #expect(SignalName.name(of: SIGWINCH) == "SIGWINCH")
        #expect(SignalName.name(of: 77) == "SIG77")
    }
}
