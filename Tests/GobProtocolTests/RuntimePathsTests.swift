import Glibc
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

    /// A relative value named a different directory in every working directory (and the
    /// daemon's, `/`): the XDG specification says to ignore it.
    @Test func aRelativeXDGRuntimeDirIsIgnored() {
        #expect(RuntimePaths.current(xdgRuntimeDir: "run").directory == "/tmp/gob-\(getuid())")
        #expect(RuntimePaths.current(xdgRuntimeDir: "./x/").directory == "/tmp/gob-\(getuid())")
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

    private func temporaryDirectory() throws -> String {
        var template = Array("/tmp/gp-XXXXXX".utf8CString)
        return try #require(mkdtemp(&template).map { String(cString: $0) })
    }

    private func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
    }

    @Test func openDirectoryCreatesAPrivateDirectory() throws {
        let base = try temporaryDirectory()
        defer { _ = rmdir(base + "/a/gob"); _ = rmdir(base + "/a"); _ = rmdir(base) }
        let paths = RuntimePaths(directory: base + "/a/gob")
        #expect(try paths.openDirectory(create: false, tighten: true) == nil, "missing, not created")
        let opened = try #require(try paths.openDirectory(create: true, tighten: true))
        close(opened.descriptor)
        #expect(opened.tightenedFrom == nil)
        #expect(mode(paths.directory) == 0o700)
        let again = try #require(try paths.openDirectory(create: true, tighten: true))
        close(again.descriptor)
    }

    @Test func aDirectoryOnlyTheUserCanWriteIsTightened() throws {
        let base = try temporaryDirectory()
        defer { _ = rmdir(base) }
        #expect(chmod(base, 0o755) == 0)
        let paths = RuntimePaths(directory: base)
        // The client accepts it as it is: no one else can plant anything in it.
        let accepted = try #require(try paths.openDirectory(create: false, tighten: false))
        close(accepted.descriptor)
        #expect(mode(base) == 0o755)
        let tightened = try #require(try paths.openDirectory(create: false, tighten: true))
        close(tightened.descriptor)
        #expect(tightened.tightenedFrom == 0o755)
        #expect(mode(base) == 0o700)
    }

    @Test func aDirectoryOthersCanWriteIsRefused() throws {
        let base = try temporaryDirectory()
        defer { _ = rmdir(base) }
        for loose: mode_t in [0o777, 0o1777, 0o720, 0o702] {
            #expect(chmod(base, loose) == 0)
            let paths = RuntimePaths(directory: base)
            #expect(throws: RuntimeDirectoryError.self) { _ = try paths.openDirectory(create: true, tighten: true) }
            #expect(mode(base) == loose & 0o777, "left as it was")
        }
    }

    @Test func aSymlinkIsRefusedEvenToAPrivateDirectory() throws {
        let base = try temporaryDirectory()
        defer { _ = unlink(base + "/rt"); _ = rmdir(base + "/real"); _ = rmdir(base) }
        #expect(mkdir(base + "/real", 0o700) == 0)
        #expect(symlink(base + "/real", base + "/rt") == 0)
        let paths = RuntimePaths(directory: base + "/rt")
        #expect(throws: RuntimeDirectoryError("runtime directory \(base)/rt is a symbolic link; remove it or set XDG_RUNTIME_DIR")) {
            _ = try paths.openDirectory(create: true, tighten: true)
        }
    }

    @Test func aFileIsNotADirectory() throws {
        let base = try temporaryDirectory()
        defer { _ = unlink(base + "/rt"); _ = rmdir(base) }
        let fd = open(base + "/rt", O_CREAT | O_WRONLY, 0o600)
        close(fd)
        #expect(throws: RuntimeDirectoryError("runtime directory \(base)/rt is not a directory")) {
            _ = try RuntimePaths(directory: base + "/rt").openDirectory(create: true, tighten: true)
        }
    }

    @Test func environment() {
        #expect(environmentValue("PATH") != nil)
        #expect(OSString.environment().contains { $0.hasPrefix("PATH=") })
    }
}
