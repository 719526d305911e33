import Foundation
@testable import GobDaemon
import GobProtocol
import Testing

/// The real launcher with real processes. No reaper thread runs (it would reap the
/// children of every test in this process): each test reaps its own.
@Suite("Process launcher", .timeLimit(.minutes(1)))
struct PosixProcessLauncherTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "gob-launch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func spec(_ command: [String], workdir: String? = nil, settings: ProcessSettings? = nil) -> LaunchSpec {
        LaunchSpec(
            command: command.map { OSString($0) }, workdir: OSString(workdir ?? directory), environment: ["PATH=/usr/bin:/bin"],
            stdoutPath: directory + "/out", stderrPath: directory + "/err", settings: settings)
    }

    func reap(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    var output: String { (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "" }

    @Test func theJobGetsTheClientsUmaskNiceValueAndLimits() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(reaper: Reaper())
        let hard = try #require(ProcessSettings.current().limits.first { $0.name == "nofile" }?.hard)
        let settings = ProcessSettings(umask: 0o027, nice: 7, limits: [
            .init(name: "nofile", soft: 200, hard: hard),
            .init(name: "core", soft: 0, hard: 0),
        ])
        let process = try launcher.launch(spec(["/bin/sh", "-c", "umask; ulimit -Sn; ulimit -Sc; nice"], settings: settings))
        #expect(reap(process.pid) == 0)
        #expect(output == "0027\n200\n0\n7\n")
    }

    @Test func limitsAreClampedToTheDaemonsHardLimitAndSoftWithinHard() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(reaper: Reaper())
        let hard = try #require(ProcessSettings.current().limits.first { $0.name == "nofile" }?.hard)
        try #require(hard > 300 && hard < UInt64(Int64.max), "needs a finite descriptor limit above 300")
        let settings = ProcessSettings(limits: [
            // A hard limit above the daemon's, which an unprivileged child could not set.
            .init(name: "nofile", soft: UInt64.max, hard: UInt64.max),
            // A soft limit above the hard one, which the kernel refuses.
            .init(name: "core", soft: 300, hard: 200),
        ])
        let process = try launcher.launch(spec(["/bin/sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hc"], settings: settings))
        #expect(reap(process.pid) == 0)
        // `ulimit -c` counts 512-byte blocks in dash and 1024-byte ones in bash: compare both ways.
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4 && lines[0] == "\(hard)" && lines[1] == "\(hard)", "\(lines)")
        #expect(lines.count == 4 && lines[2] == lines[3], "soft core limit clamped to the hard one: \(lines)")
    }

    @Test func withoutSettingsTheDefaultsApply() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(
            reaper: Reaper(), defaults: ProcessSettings(umask: 0o022, limits: [.init(name: "nofile", soft: 300, hard: 300)]))
        let process = try launcher.launch(spec(["/bin/sh", "-c", "umask; ulimit -Sn"]))
        #expect(reap(process.pid) == 0)
        #expect(output == "0022\n300\n")
    }

    /// The child leaves its parent's CPU for a moment while it starts (spawn_job.c), and
    /// must give the program the very mask it inherited: all of them, or the one CPU the
    /// starting thread was held to.
    @Test func theJobKeepsTheCPUsOfTheThreadThatStartedIt() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(reaper: Reaper())
        func allowedCPUs(_ status: String) -> String? {
            status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
                .map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) }
        }
        func jobsCPUs() throws -> String? {
            let process = try launcher.launch(spec(["/bin/sh", "-c", "cat /proc/$$/status"]))
            #expect(reap(process.pid) == 0)
            return allowedCPUs(output)
        }
        let own = try #require(allowedCPUs(try String(contentsOfFile: "/proc/thread-self/status", encoding: .utf8)))
        #expect(try jobsCPUs() == own)
        // Held to one CPU, the thread has nowhere to send the child: it starts where it is.
        // (Glibc's module leaves out these GNU calls: found by name.)
        typealias Affinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        typealias CurrentCPU = @convention(c) () -> Int32
        let getAffinity = unsafeBitCast(try #require(dlsym(nil, "sched_getaffinity")), to: Affinity.self)
        let setAffinity = unsafeBitCast(try #require(dlsym(nil, "sched_setaffinity")), to: Affinity.self)
        let currentCPU = unsafeBitCast(try #require(dlsym(nil, "sched_getcpu")), to: CurrentCPU.self)
        var original = [UInt8](repeating: 0, count: 128)
        try #require(getAffinity(0, original.count, &original) == 0)
        defer { _ = setAffinity(0, original.count, &original) }
        let cpu = Int(currentCPU())
        var one = [UInt8](repeating: 0, count: 128)
        one[cpu / 8] = UInt8(1 << (cpu % 8))
        try #require(setAffinity(0, one.count, &one) == 0)
        #expect(try jobsCPUs() == "\(cpu)")
    }

    @Test func failuresInPlainWords() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(reaper: Reaper())
        try "echo hi\n".write(toFile: directory + "/notexec", atomically: true, encoding: .utf8)
        let cases: [(LaunchSpec, String)] = [
            (spec(["missing.sh"]), #"cannot start "missing.sh": no such file"#),
            (spec(["./missing.sh"]), #"cannot start "./missing.sh": no such file"#),
            (spec(["./notexec"]), #"cannot start "./notexec": permission denied"#),
            (spec(["/tmp"]), #"cannot start "/tmp": is a directory"#),
            (spec(["true"], workdir: directory + "/gone"), "working directory \(directory)/gone does not exist"),
            (spec(["true"], workdir: directory + "/notexec"), "working directory \(directory)/notexec is not a directory"),
        ]
        for (spec, message) in cases {
            #expect(throws: LaunchError(message)) { try launcher.launch(spec) }
        }
    }

    /// Logs are appended to: a log truncated under the job gets its next line at the start.
    @Test func logsAreOpenedForAppending() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let launcher = PosixProcessLauncher(reaper: Reaper())
        let gate = directory + "/go"
        let process = try launcher.launch(spec(["/bin/sh", "-c", "echo first-line; while [ ! -e \(gate) ]; do sleep 0.01; done; echo second"]))
        let deadline = Date().addingTimeInterval(60)
        while !output.contains("first-line") && Date() < deadline { usleep(5_000) }
        #expect(truncate(directory + "/out", 0) == 0)
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        #expect(reap(process.pid) == 0)
        #expect(output == "second\n")
    }

    /// After its leader has been reaped, a group is reached only through the leader's pidfd
    /// (which names it by identity); by number, nothing is signalled, as the number is no
    /// longer provably the job's.
    @Test(arguments: [PosixProcessLauncher.GroupSignalling.pidfd, .leaderNumber])
    func aGroupWhoseLeaderIsReaped(signalling: PosixProcessLauncher.GroupSignalling) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if signalling == .pidfd && !ProcessHandle.canSignalGroups { return }
        let launcher = PosixProcessLauncher(reaper: Reaper(), signalling: signalling)
        let process = try launcher.launch(spec(["/bin/sh", "-c", "sleep 300 & echo started"]))
        #expect(process.handle != nil, "a pidfd from the clone itself")
        #expect(process.startTime == nil || process.startTime != 0)
        #expect(reap(process.pid) == 0)
        let member = try #require(ProcessTable.members(of: [process.pid]).first { $0.isLive })
        defer { kill(member.pid, SIGKILL) }
        #expect(launcher.groupMayHaveMembers(process))
        switch signalling {
        case .pidfd:
            #expect(launcher.groupHasLiveMembers(process))
            #expect(launcher.signalGroup(of: process, SIGTERM) == 0)
            let deadline = Date().addingTimeInterval(60)
            while launcher.groupHasLiveMembers(process) && Date() < deadline { usleep(5_000) }
            #expect(!launcher.groupHasLiveMembers(process), "the member got SIGTERM")
        case .leaderNumber:
            #expect(launcher.signalGroup(of: process, SIGTERM) == ESRCH)
            #expect(!launcher.groupHasLiveMembers(process))
            #expect(ProcessTable.entry(of: member.pid)?.isLive == true, "nothing was signalled")
        }
    }

    /// While the leader is not reaped, a group is reached by number too, and a zombie
    /// member does not count as alive.
    @Test(arguments: [PosixProcessLauncher.GroupSignalling.pidfd, .leaderNumber])
    func aRunningGroupIsReachedEitherWay(signalling: PosixProcessLauncher.GroupSignalling) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if signalling == .pidfd && !ProcessHandle.canSignalGroups { return }
        let launcher = PosixProcessLauncher(reaper: Reaper(), signalling: signalling)
        let process = try launcher.launch(spec(["sleep", "300"]))
        #expect(launcher.groupHasLiveMembers(process))
        #expect(launcher.signalGroup(of: process, SIGTERM) == 0)
        let deadline = Date().addingTimeInterval(60)
        while ProcessTable.entry(of: process.pid)?.isLive == true && Date() < deadline { usleep(5_000) }
        #expect(!launcher.groupHasLiveMembers(process), "a zombie leader is not alive")
        #expect(reap(process.pid) == SIGTERM)
    }
}
