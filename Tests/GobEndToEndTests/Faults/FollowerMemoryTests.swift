import Glibc
import CGobShims
import Foundation
import GobProtocol
import Testing

/// The slow client-side scenarios: followers of a gigabyte of output, and a list of jobs
/// whose arguments are huge. Run with `GOB_SLOW_TESTS=1`, as `.ci/run` does.
@Suite("Fault: followers and replies at scale", .enabled(if: slowTestsEnabled), .timeLimit(.minutes(10)))
struct FollowerMemoryTests {
    /// Before: `stdout -f` peaked at 1.07 GB, `await` at 1.19 GB, `logs` at 3.1 GB.
    static let peakLimitKiB = 64 * 1024

    @Test func followersOfAGigabyteLogStayUnder64MiB() async throws {
        try await Sandbox.run { sandbox async throws in
            // Every byte is kept (no stream is cut at 256 MiB), so each follower reads it all.
            try FileManager.default.createDirectory(atPath: sandbox.configHome + "/gob", withIntermediateDirectories: true)
            try "[logs]\nmax_stream = \"4GiB\"\nmax_total = \"16GiB\"\n".write(
                toFile: sandbox.configHome + "/gob/config.toml", atomically: true, encoding: .utf8)
            // 1 GiB of 40-byte lines, written as fast as the disk takes it.
            let gigabyte = "yes 0123456789abcdefghijklmnopqrstuvwxyz012 | head -c 1073741824"
            let (id, _) = try await sandbox.addJob("sh", "-c", "sleep 1; \(gigabyte)")
            let stdout = try Self.startDiscardingOutput(["stdout", "-f", id], in: sandbox)
            let awaiting = try Self.startDiscardingOutput(["await", id], in: sandbox)
            let logs = try Self.startDiscardingOutput(["logs"], in: sandbox)
            let run = try Self.startDiscardingOutput(["run", "sh", "-c", gigabyte], in: sandbox)
            for (name, pid) in [("stdout -f", stdout), ("await", awaiting), ("run", run)] {
                let (status, peak) = await Self.waitForPeak(pid)
                #expect(status == 0, "\(name) exited \(status)")
                #expect(peak < Self.peakLimitKiB, "\(name) peaked at \(peak) KiB")
            }
            // logs never ends: once it has read both gigabytes, its peak so far is the one.
            #expect(try await eventually(timeout: .seconds(300), every: .milliseconds(200)) {
                Self.bytesRead(logs) >= 2 << 30
            }, "logs read both logs")
            let peak = Self.peakKiB(logs) ?? Int.max
            #expect(peak < Self.peakLimitKiB, "logs peaked at \(peak) KiB")
            kill(logs, SIGKILL)
            _ = await Self.waitForPeak(logs)
        }
    }

    @Test func aListOfJobsWithHugeArgumentsIsReceived() async throws {
        try await Sandbox.run { sandbox async throws in
            // 80 jobs with 1 MB of arguments each: an 80 MB reply (before: refused past
            // 64 MiB with "message too long").
            let argument = String(repeating: "a", count: 100_000)
            let command = Array(repeating: argument, count: 10)
            // Each its own command: a stopped job with the same one would get a new run.
            for n in 0..<80 {
                let outcome = try await sandbox.gob(["add", "-q", "--", "true", "\(n)"] + command)
                #expect(outcome.status == 0, "\(outcome.stderr)")
            }
            let listed = try await sandbox.gob("list", "--json")
            #expect(listed.status == 0, "\(listed.stderr)")
            let jobs = try #require(try JSON(parsing: listed.stdout).arrayValue)
            #expect(jobs.count == 80)
            let plain = try await sandbox.gob("list")
            #expect(plain.status == 0, "\(plain.stderr)")
        }
    }

    /// Starts `gob <arguments>` with its stdout on /dev/null (a gigabyte need not be
    /// kept) and stderr in the sandbox; returns the PID.
    private static func startDiscardingOutput(_ arguments: [String], in sandbox: Sandbox) throws -> pid_t {
        var argv: [UnsafeMutablePointer<CChar>?] = (["gob"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var envp: [UnsafeMutablePointer<CChar>?] = sandbox.environment(directory: sandbox.workdir).map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = gob_spawn(&pid, GobProcess.executable, &argv, &envp, sandbox.workdir, -1, -1, -1, -1, 0)
        guard rc == 0 else { throw GobProcess.SpawnFailure(code: rc, path: GobProcess.executable) }
        return pid
    }

    /// Waits for `pid` to exit (without holding a thread of the pool for long); its exit
    /// status and peak resident memory in KiB: its `VmHWM`, read every 50 ms while it
    /// runs (a high-water mark, so the last read is its peak but for its last moments).
    /// Not `wait4`'s `ru_maxrss`: the child is spawned with `vfork` semantics, and Linux
    /// records the high-water mark of the memory it left at `execve` — this test
    /// process's — as the child's own.
    private static func waitForPeak(_ pid: pid_t) async -> (status: Int32, peakKiB: Int) {
        await offThePool {
            var peak = 0
            var status: Int32 = 0
            while true {
                if let now = peakKiB(pid) { peak = max(peak, now) }
                let reaped = waitpid(pid, &status, WNOHANG)
                if reaped == pid { break }
                if reaped < 0 && errno != EINTR { break }
                usleep(50_000)
            }
            let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return (code, peak)
        }
    }

    /// The peak resident memory of a running process (`VmHWM`), in KiB.
    private static func peakKiB(_ pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        return Int(line.filter(\.isNumber))
    }

    /// Bytes a process has read so far (`rchar`).
    private static func bytesRead(_ pid: pid_t) -> Int {
        guard let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8),
              let line = io.split(separator: "\n").first(where: { $0.hasPrefix("rchar:") })
        else { return 0 }
        return Int(line.filter(\.isNumber)) ?? 0
    }
}
