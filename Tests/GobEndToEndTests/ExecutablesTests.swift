import Foundation
import GobTestSupport
import Testing

/// gob is two executables: `gob`, every command, and `gob-daemon` beside it, the daemon
/// and the gobfile reader. The commands' image links neither the store nor the TOML
/// parser (nor the Foundation they bring): that is what keeps each command's start
/// cheap, so it is checked on the built files.
@Suite("Executables: gob and gob-daemon", .endToEnd, .timeLimit(.minutes(3)))
struct ExecutablesTests {
    /// Whether the file at `path` contains `text`.
    func contains(_ path: String, _ text: String) throws -> Bool {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return data.range(of: Data(text.utf8)) != nil
    }

    @Test func theCommandsImageCarriesNeitherTheStoreNorTheTOMLParser() throws {
        let gob = GobProcess.executable
        let daemon = gob + "-daemon"
        // Mangled module names of GRDB's and TOMLKit's symbols, and Foundation's library
        // (named as a dependency in a dynamic build, its module in a static one).
        for marker in ["4GRDB", "7TOMLKit", "libFoundation.so", "10Foundation"] {
            #expect(try !contains(gob, marker), "gob contains \(marker)")
        }
        // The daemon's image does, so the markers are the right ones.
        #expect(try contains(daemon, "4GRDB") && contains(daemon, "7TOMLKit"))
    }

    @Test func theDaemonTellsItsVersionWhichIsTheCommands() async throws {
        try await Sandbox.run { sandbox async throws in
            let outcome = try await sandbox.spawn(
                GobProcess.executable + "-daemon", ["gob-daemon", "--version"], environment: sandbox.environment(directory: sandbox.workdir)
            ).finish()
            #expect(outcome.status == 0 && outcome.stdout == "gob-daemon version dev\n", "\(outcome)")
            #expect(try await sandbox.gob("--version").stdout == "gob version dev\n")
            #expect(!sandbox.runtimeDirectoryExists)
        }
    }

    @Test func aGobWithoutItsDaemonSaysSo() async throws {
        try await Sandbox.run { sandbox async throws in
            let directory = sandbox.base + "/lone"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let lone = directory + "/gob"
            try FileManager.default.linkItem(atPath: GobProcess.executable, toPath: lone)
            let environment = sandbox.environment(directory: sandbox.workdir)
            let ping = try await sandbox.spawn(lone, ["gob", "ping"], environment: environment).finish()
            #expect(ping.status == 125, "\(ping)")
            #expect(ping.stderr == "Error: failed to connect to daemon: failed to start daemon: fork/exec \(lone)-daemon: "
                + "no such file or directory (gob-daemon must be installed beside gob, from the same build)\n", "\(ping)")
            let up = try await sandbox.spawn(lone, ["gob", "down"], environment: environment).finish()
            #expect(up.status == 1, "\(up)")
            #expect(up.stderr.contains("gob-daemon must be installed beside gob"), "\(up)")
            let foreground = try await sandbox.spawn(lone, ["gob", "daemon"], environment: environment).finish()
            #expect(foreground.status == 1 && foreground.stderr.contains("gob-daemon must be installed beside gob"), "\(foreground)")
        }
    }

    /// `gob daemon` becomes the daemon in the same process: whoever ran it holds the
    /// daemon's PID.
    @Test func gobDaemonIsTheDaemonItself() async throws {
        try await Sandbox.run { sandbox async throws in
            let started = try sandbox.start(["daemon"])
            try await sandbox.waitUntil("the daemon to listen and write its PID") {
                sandbox.socketAnswers && sandbox.daemonPID != nil
            }
            #expect(sandbox.daemonPID == started.pid)
            let name = try String(contentsOfFile: "/proc/\(started.pid)/comm", encoding: .utf8)
            #expect(name == "gob-daemon\n")
            #expect(try await sandbox.gob("shutdown").status == 0)
            #expect(try await started.finish().status == 0)
        }
    }
}
