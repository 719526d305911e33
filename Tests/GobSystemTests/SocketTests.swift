import Glibc
import GobSystem
import Testing

@Suite("Unix socket addresses and connections")
struct SocketTests {
    @Test("a path that does not fit is ENAMETOOLONG; the longest that fits is taken")
    func addressLength() throws {
        let longest = "/" + String(repeating: "a", count: UnixSocketAddress.maximumPathBytes - 1)
        #expect(UnixSocketAddress.maximumPathBytes == 107)
        _ = try UnixSocketAddress(path: longest)
        #expect(throws: SystemError(ENAMETOOLONG)) { try UnixSocketAddress(path: longest + "a") }
    }

    @Test("bind, listen, connect and a line each way")
    func roundTrip() throws {
        var template = Array("/tmp/gsys-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { rmdir(directory) }
        let path = directory + "/s.sock"
        defer { unlink(path) }
        let listener = try Socket.stream()
        defer { Descriptor.close(listener) }
        try Socket.bind(listener, to: UnixSocketAddress(path: path))
        #expect(listen(listener, 4) == 0)

        let client = try Socket.connected(to: path, sendTimeoutMilliseconds: 60_000, receiveTimeoutMilliseconds: 60_000)
        defer { Descriptor.close(client) }
        let served = accept(listener, nil, nil)
        #expect(served >= 0)
        defer { Descriptor.close(served) }
        #expect(fcntl(client, F_GETFD) & FD_CLOEXEC != 0)

        try Descriptor.writeAll(client, Array("ping\n".utf8), to: .socket)
        var reader = LineReader(fd: served)
        #expect(try reader.next(deadline: MonotonicClock.deadline(seconds: 60)) == Array("ping".utf8))
        Socket.shutdown(served)
        var back = LineReader(fd: client)
        #expect(try back.next(deadline: MonotonicClock.deadline(seconds: 60)) == nil)
    }

    @Test("connecting where nothing listens fails with the errno, and leaks no descriptor")
    func nothingListens() throws {
        // Other tests open and close descriptors in this process meanwhile: 500 failed
        // connects that each leaked one would leave far more than their noise.
        let before = openDescriptors()
        for _ in 0..<500 {
            #expect(throws: SystemError(ENOENT)) { try Socket.connected(to: "/nonexistent-gob-test/s.sock") }
        }
        #expect(openDescriptors() - before < 100, "\(before) → \(openDescriptors()) descriptors")
    }

    private func openDescriptors() -> Int {
        (0..<4096).filter { fcntl(Int32($0), F_GETFD) >= 0 }.count
    }
}
