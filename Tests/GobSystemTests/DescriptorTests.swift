import Glibc
import GobSystem
import Testing

@Suite("Descriptor: the one write and read loop")
struct DescriptorTests {
    @Test("writeAll delivers more than a pipe holds, while a reader drains it")
    func writesPastThePipeBuffer() throws {
        let pipe = try TestPipe()
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let reader = ResultBox()
        let readEnd = pipe.read
        #expect(DetachedThread.start { reader.set(Descriptor.readAll(readEnd, limit: 1 << 20)) })
        try Descriptor.writeAll(pipe.write, bytes)
        pipe.closeWriteEnd()
        #expect(reader.wait() == bytes)
    }

    @Test("a socket whose peer left is an EPIPE, not a SIGPIPE")
    func socketWithoutReader() throws {
        var fds: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        Descriptor.close(fds[1])
        defer { Descriptor.close(fds[0]) }
        #expect(throws: SystemError(EPIPE)) { try Descriptor.writeAll(fds[0], [1, 2, 3], to: .socket) }
        #expect(!Descriptor.writeAllIgnoringErrors(fds[0], [1], to: .socket))
    }

    @Test("a full non-blocking pipe is an error, unless told to wait for room")
    func fullNonBlockingPipe() throws {
        let pipe = try TestPipe(nonBlocking: true)
        let tooMuch = [UInt8](repeating: 7, count: 1 << 20)
        #expect(throws: SystemError(EAGAIN)) { try Descriptor.writeAll(pipe.write, tooMuch) }
        Descriptor.drain(pipe.read)
        let reader = ResultBox()
        let readEnd = pipe.read
        #expect(DetachedThread.start {
            var total: [UInt8] = []
            let deadline = MonotonicClock.deadline(seconds: 60)
            while total.count < tooMuch.count, MonotonicClock.now() < deadline {
                _ = Descriptor.waitReadable(readEnd, until: deadline)
                var chunk = [UInt8](repeating: 0, count: 65_536)
                let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count > 0 { total += chunk[0..<count] }
            }
            reader.set(total)
        })
        try Descriptor.writeAll(pipe.write, tooMuch, waitWhenFull: true)
        #expect(reader.wait() == tooMuch)
    }

    @Test("readAll stops at its limit")
    func readAllLimit() throws {
        let pipe = try TestPipe()
        try Descriptor.writeAll(pipe.write, Array("0123456789".utf8))
        pipe.closeWriteEnd()
        #expect(Descriptor.readAll(pipe.read, limit: 4) == Array("0123".utf8))
    }

    @Test("drain says whether anything was waiting; waitReadable ends at its deadline")
    func drainAndWait() throws {
        let pipe = try TestPipe(nonBlocking: true)
        #expect(!Descriptor.drain(pipe.read))
        #expect(!Descriptor.waitReadable(pipe.read, until: MonotonicClock.now()))
        SystemPipe.poke(pipe.write)
        SystemPipe.poke(pipe.write)
        #expect(Descriptor.waitReadable(pipe.read, until: nil))
        #expect(Descriptor.drain(pipe.read))
        #expect(!Descriptor.drain(pipe.read))
    }
}
