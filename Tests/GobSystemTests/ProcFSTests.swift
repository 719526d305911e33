import Glibc
import GobSystem
import Testing

@Suite("/proc, read once")
struct ProcFSTests {
    @Test("a command name with spaces and parentheses does not shift the fields")
    func parsesAwkwardNames() throws {
        let text = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 987654 1000 10 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"
        let stat = try #require(ProcFS.Stat(pid: 4242, parsing: Array(text.utf8)))
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.parent == 1)
        #expect(stat.group == 4242)
        #expect(stat.userTicks == 7)
        #expect(stat.systemTicks == 3)
        #expect(stat.startTime == 987654)
        #expect(stat.isLive)
    }

    @Test("short, garbled or unterminated stat text is refused")
    func refusesGarbage() {
        #expect(ProcFS.Stat(pid: 1, parsing: Array("1 (init) S 0 1".utf8)) == nil)
        #expect(ProcFS.Stat(pid: 1, parsing: Array("no parenthesis at all".utf8)) == nil)
        let letters = "1 (x) S 0 x 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0"
        #expect(ProcFS.Stat(pid: 1, parsing: Array(letters.utf8)) == nil)
    }

    @Test("this process: its parent, group, start time and memory")
    func thisProcess() throws {
        let stat = try #require(ProcFS.stat(of: getpid()))
        #expect(stat.parent == getppid())
        #expect(stat.group == getpgrp())
        #expect(stat.startTime > 0)
        #expect(stat.isLive)
        #expect(try #require(ProcFS.residentBytes()) > 1 << 20)
        #expect(ProcFS.residentBytes(of: getpid()) != nil)
        #expect(ProcFS.processIDs().contains(getpid()))
        #expect(ProcFS.stat(of: 0) == nil)
        #expect(ProcFS.stat(of: Int32.max) == nil)
    }

    @Test("a zombie is not live")
    func zombie() throws {
        let pid = fork()
        if pid == 0 { _exit(3) }
        #expect(pid > 0)
        var stat: ProcFS.Stat?
        let deadline = MonotonicClock.deadline(seconds: 60)
        repeat {
            stat = ProcFS.stat(of: pid)
            if stat?.isLive == false { break }
            MonotonicClock.sleep(milliseconds: 1)
        } while MonotonicClock.now() < deadline
        #expect(stat?.state == UInt8(ascii: "Z"))
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(ProcessEnd(waitStatus: status) == .exited(3))
    }
}
