import Glibc
import GobSystem
import Testing

@Suite("LineReader and the readiness pipe")
struct LineReaderTests {
    @Test("lines split across reads and several lines in one read come out one by one")
    func lines() throws {
        let pipe = try TestPipe()
        var reader = LineReader(fd: pipe.read, chunkSize: 3)
        try Descriptor.writeAll(pipe.write, Array("first\nsecond\nthi".utf8))
        let deadline = MonotonicClock.deadline(seconds: 60)
        #expect(try reader.next(deadline: deadline) == Array("first".utf8))
        #expect(try reader.next(deadline: deadline) == Array("second".utf8))
        try Descriptor.writeAll(pipe.write, Array("rd".utf8))
        pipe.closeWriteEnd()
        #expect(try reader.next(deadline: deadline) == Array("third".utf8))
        #expect(try reader.next(deadline: deadline) == nil)
    }

    @Test("a line cut short by the end of the stream is dropped when asked")
    func partialAtEnd() throws {
        let pipe = try TestPipe()
        try Descriptor.writeAll(pipe.write, Array("half".utf8))
        pipe.closeWriteEnd()
        var reader = LineReader(fd: pipe.read)
        #expect(try reader.next(deadline: MonotonicClock.deadline(seconds: 60), partialAtEnd: false) == nil)
    }

    @Test("silence ends at the deadline; too long a line is refused; the rest is kept")
    func failures() throws {
        let pipe = try TestPipe()
        var reader = LineReader(fd: pipe.read, limit: 8)
        #expect(throws: LineReader.Failure.timedOut) { try reader.next(deadline: MonotonicClock.now()) }
        try Descriptor.writeAll(pipe.write, Array("ok\nrest".utf8))
        #expect(try reader.next(deadline: MonotonicClock.deadline(seconds: 60)) == Array("ok".utf8))
        #expect(reader.remainder == Array("rest".utf8))
        try Descriptor.writeAll(pipe.write, Array("-much-too-long".utf8))
        #expect(throws: LineReader.Failure.tooLong) { try reader.next(deadline: MonotonicClock.deadline(seconds: 60)) }
    }

    @Test("the readiness word travels; its write end is close-on-exec and never the child's number")
    func readiness() throws {
        let pipe = try TestPipe(readiness: ())
        #expect(pipe.write != ReadinessPipe.childDescriptor)
        #expect(fcntl(pipe.write, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(pipe.read, F_GETFD) & FD_CLOEXEC != 0)
        let writeEnd = pipe.write
        ReadinessPipe.tell(writeEnd, "error: no room")
        pipe.writeEndClosedElsewhere()
        #expect(fcntl(writeEnd, F_GETFD) < 0)
        #expect(ReadinessPipe.firstLine(from: pipe.read, until: MonotonicClock.deadline(seconds: 60)) == "error: no room")
    }

    @Test("a silent readiness pipe gives an empty line at the deadline")
    func silentReadiness() throws {
        let pipe = try TestPipe(readiness: ())
        #expect(ReadinessPipe.firstLine(from: pipe.read, until: MonotonicClock.now() + 1_000_000).isEmpty)
    }
}
