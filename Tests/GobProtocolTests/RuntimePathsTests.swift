#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol
import Testing

@Suite("Runtime paths")
struct RuntimePathsTests {
    @Test func xdgRuntimeDir() {
        #expect(RuntimePaths.current(xdgRuntimeDir: "/run/user/1000").directory == "/run/user/1000/gob")
        #expect(RuntimePaths.current(xdgRuntimeDir: "/run/user/1000/").directory == "/run/user/1000/gob")
    }

    @Test func fallbackWithoutXDG() {
        #expect(RuntimePaths.current(xdgRuntimeDir: nil).directory == "/tmp/gob-\(getuid())")
        #expect(RuntimePaths.current(xdgRuntimeDir: "").directory == "/tmp/gob-\(getuid())")
    }

    @Test func files() {
        let paths = RuntimePaths(directory: "/r/gob")
        #expect(paths.socket == "/r/gob/daemon.sock")
        #expect(paths.pidFile == "/r/gob/daemon.pid")
        #expect(paths.lockFile == "/r/gob/daemon.lock")
        #expect(paths.daemonLog == "/r/gob/daemon.log")
        #expect(paths.stdoutLog("V3x0QqI") == "/r/gob/V3x0QqI.stdout.log")
        #expect(paths.stderrLog("V3x0QqI") == "/r/gob/V3x0QqI.stderr.log")
    }

    @Test func logFileNames() {
        #expect(RuntimePaths.jobID(ofLogFile: "V3x0QqI.stdout.log") == "V3x0QqI")
        #expect(RuntimePaths.jobID(ofLogFile: "V3x0QqI.stderr.log") == "V3x0QqI")
        #expect(RuntimePaths.jobID(ofLogFile: "daemon.log") == nil)
        #expect(RuntimePaths.jobID(ofLogFile: "bad-id.stdout.log") == nil)
        #expect(RuntimePaths.jobID(ofLogFile: "V3x0QqI.stdout.txt") == nil)
    }

    @Test func ensureDirectoryCreatesAPrivateDirectory() throws {
        var template = Array("/tmp/gp-XXXXXX".utf8CString)
        let base = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { _ = rmdir(base + "/a/gob"); _ = rmdir(base + "/a"); _ = rmdir(base) }
        let paths = RuntimePaths(directory: base + "/a/gob")
        try paths.ensureDirectory()
        var info = stat()
        #expect(stat(paths.directory, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
        try paths.ensureDirectory()
    }

    @Test func ensureDirectoryRefusesALooseDirectory() throws {
        var template = Array("/tmp/gp-XXXXXX".utf8CString)
        let base = try #require(mkdtemp(&template).map { String(cString: $0) })
        defer { _ = rmdir(base) }
        #expect(chmod(base, 0o755) == 0)
        let paths = RuntimePaths(directory: base)
        #expect(throws: RuntimeDirectoryError.self) { try paths.ensureDirectory() }
        var info = stat()
        #expect(stat(base, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o755)
    }

    @Test func environment() {
        #expect(environmentValue("PATH") != nil)
        #expect(currentEnvironment().contains { $0.hasPrefix("PATH=") })
    }
}
