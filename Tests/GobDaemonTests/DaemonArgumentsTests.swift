@testable import GobDaemon
import GobProtocol
import Testing

/// What `gob-daemon` accepts: what the commands, `gob daemon`, an older daemon
/// restarting into it and an installation check pass; anything else is one error.
@Suite("Daemon executable's arguments")
struct DaemonArgumentsTests {
    func action(_ words: [String]) throws(DaemonStartError) -> DaemonMain.Action {
        try DaemonMain.action(words.map { OSString($0) })
    }

    @Test func whatGobPasses() throws {
        #expect(try action([]) == .serve(readyFD: nil))
        #expect(try action(["--ready-fd", "3"]) == .serve(readyFD: 3))
        // An earlier gob's daemon, one executable, re-executes with `gob daemon`.
        #expect(try action(["daemon"]) == .serve(readyFD: nil))
        #expect(try action(["daemon", "run", "--ready-fd", "5"]) == .serve(readyFD: 5))
        #expect(try action(["--version"]) == .version)
        #expect(try action(["--read-gobfile", "/p/q"]) == .readGobfile(directory: "/p/q"))
        #expect(try DaemonMain.action(["--read-gobfile", OSString(bytes: [0x2F, 0xFF])]) == .readGobfile(directory: OSString(bytes: [0x2F, 0xFF])))
    }

    @Test(arguments: [
        ["x"], ["--ready-fd"], ["--ready-fd", "x"], ["--ready-fd", "-1"], ["--ready-fd", "99999999999"],
        ["--ready-fd", "3", "x"], ["run", "run"], ["--version", "x"], ["--read-gobfile"], ["--read-gobfile", "relative"],
        ["--read-gobfile", "/a", "/b"],
    ])
    func anythingElseIsRefused(_ words: [String]) {
        #expect(throws: DaemonStartError.self) { try action(words) }
    }
}
