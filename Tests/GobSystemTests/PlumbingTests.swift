import Glibc
import GobSystem
import SystemPackage
import Testing

@Suite("The rest of GobSystem: errors, clocks, C strings, files, wait statuses")
struct PlumbingTests {
    @Test("errors are worded like Go's and name the same number as swift-system")
    func errors() {
        #expect(SystemError(ENOENT).description == "no such file or directory")
        #expect(SystemError(Errno.noSuchFileOrDirectory) == SystemError(ENOENT))
        #expect(SystemError(EACCES).errno == .permissionDenied)
    }

    @Test("poll timeouts round up and never go negative")
    func pollTimeouts() {
        #expect(MonotonicClock.pollTimeout(until: MonotonicClock.now() - 1_000_000_000) == 0)
        let soon = MonotonicClock.pollTimeout(until: MonotonicClock.now() + 1_500_000)
        #expect(soon >= 1 && soon <= 2)
        #expect(MonotonicClock.pollTimeout(until: .max) == Int32.max)
        let before = MonotonicClock.now()
        MonotonicClock.sleep(milliseconds: 2)
        #expect(MonotonicClock.now() - before >= 2_000_000)
    }

    @Test("C string arrays keep bytes that are not UTF-8 and end in nil")
    func cStrings() throws {
        let array = CStringArray(bytes: [[0x63, 0x61, 0x66, 0xE9], [], Array("x".utf8)])
        #expect(array.count == 3)
        #expect(array.pointers.count == 4)
        #expect(array.pointers[3] == nil)
        let first = try #require(array.pointers[0])
        #expect(strlen(first) == 4)
        #expect(UInt8(bitPattern: first[3]) == 0xE9)
        #expect(try #require(array.pointers[1]).pointee == 0)
        let words = CStringArray(["a b", "c"])
        withExtendedLifetime(words) {
            #expect(words.pointers[0].map { String(cString: $0) } == "a b")
        }
    }

    @Test("wait statuses: exits and signals")
    func waitStatuses() {
        #expect(ProcessEnd(waitStatus: 0) == .exited(0))
        #expect(ProcessEnd(waitStatus: 3 << 8) == .exited(3))
        #expect(ProcessEnd(waitStatus: 9) == .signaled(9))
        #expect(ProcessEnd(waitStatus: 0x80 | 6) == .signaled(6))
        #expect(ProcessEnd.signaled(9).description == "was killed by signal 9")
        #expect(ProcessEnd.exited(2).description == "exited with status 2")
    }

    @Test("whole files, their tails, and which file a name is")
    func files() throws {
        var template = Array("/tmp/gsys-XXXXXX".utf8CString)
        let directory = try #require(mkdtemp(&template).map { String(cString: $0) })
        let path = directory + "/f"
        defer {
            unlink(path)
            unlink(directory + "/link")
            rmdir(directory)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        try Descriptor.writeAll(fd, Array("line one\nline two\n".utf8))
        #expect(FileContents.read(path) == Array("line one\nline two\n".utf8))
        #expect(FileContents.read(path, limit: 4) == Array("line".utf8))
        #expect(FileContents.tail(path, count: 9) == Array("line two\n".utf8))
        #expect(FileContents.tail(path, count: 1000) == Array("line one\nline two\n".utf8))
        #expect(FileContents.read(directory + "/missing") == nil)

        let held = try #require(FileIdentity(descriptor: fd))
        Descriptor.close(fd)
        #expect(FileIdentity(path: path) == held)
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { Descriptor.close(dirFD) }
        #expect(FileIdentity(name: "f", inDirectory: dirFD) == held)
        #expect(symlink(path, directory + "/link") == 0)
        // The link itself, never what it points to.
        #expect(FileIdentity(name: "link", inDirectory: dirFD) != held)
        #expect(FileIdentity(name: "missing", inDirectory: dirFD) == nil)
    }
}
