import Glibc
import Foundation
import GobProtocol
import Testing

/// A job is its whole process tree: processes that leave its group or session, or whose
/// parent ends, are listed by `ps`, ended by `stop`, and looked into by `ports`.
@Suite("Process trees", .endToEnd, .timeLimit(.minutes(3)))
struct ProcessTreeTests {
    /// `gob ps --json <id>`'s processes.
    static func processes(_ sandbox: Sandbox, _ id: String) async throws -> [JobProcess] {
        let outcome = try await sandbox.gob("ps", "--json", id)
        #expect(outcome.status == 0, "\(outcome)")
        let json = try JSON(parsing: outcome.stdout)
        #expect(json["id"]?.stringValue == id)
        return try #require(json["processes"]?.arrayValue, "\(outcome)").compactMap(JobProcess.init(json:))
    }

    /// The PIDs written one a line to `file` in the working directory, once there are
    /// `count` of them.
    static func announcedPIDs(_ sandbox: Sandbox, _ file: String, count: Int) async throws -> [pid_t] {
        var pids: [pid_t] = []
        try await sandbox.waitUntil("\(count) PIDs in \(file)") {
            let text = (try? String(contentsOfFile: sandbox.workdir + "/" + file, encoding: .utf8)) ?? ""
            pids = text.split(separator: "\n").compactMap { pid_t($0) }
            return pids.count >= count && text.hasSuffix("\n")
        }
        return pids
    }

    @Test func fiftyEscapedChildrenAreListedAndStopped() async throws {
        try await Sandbox.run { sandbox async throws in
            // 25 children that move to a session of their own, 25 that do so too and are
            // orphaned by a double fork: none of them is in the job's process group.
            let script = """
                i=0
                while [ $i -lt 25 ]; do
                  setsid sh -c 'echo $$ >> pids; exec sleep 300' &
                  sh -c 'setsid sh -c "echo \\$\\$ >> pids; exec sleep 300" & exit 0' &
                  i=$((i+1))
                done
                exec sleep 300
                """
            let (id, pgid) = try await sandbox.addJob("sh", "-c", script)
            let pids = try await Self.announcedPIDs(sandbox, "pids", count: 50)
            let handles = try pids.map { try #require(ProcessHandle($0), "process \($0)") }
            for pid in pids { #expect(ProcessScan.entry(pid).map { $0.pgid != pgid } == true, "\(pid) left the group") }

            let listed = try await Self.processes(sandbox, id)
            let listedPIDs = Set(listed.map(\.pid))
            #expect(listedPIDs.isSuperset(of: pids), "ps lists every escaped process: missing \(Set(pids).subtracting(listedPIDs))")
            #expect(listed.first?.pid == pgid && listed.first?.depth == 0, "the main process comes first")
            let text = try await sandbox.gob("ps", id)
            #expect(text.status == 0)
            #expect(text.stdout.split(separator: "\n").first?.split(separator: " ") == ["PID", "PPID", "STATE", "CPU", "RSS", "COMMAND"],
                    "\(text)")
            #expect(text.stdout.contains("\\_ sleep 300"), "children are drawn under their parent")

            let stop = try await sandbox.gob("stop", id)
            #expect(stop.status == 0, "\(stop)")
            // Returned once they are gone: each has exited (the daemon reaps them).
            for handle in handles { #expect(handle.hasExited, "\(handle.pid) outlived stop") }
            for handle in handles { #expect(await handle.reaped(), "\(handle.pid) was reaped") }
            let after = try await sandbox.gob("ps", id)
            #expect(after.stdout == "Job \(id) is not running\n", "\(after)")
            #expect(sandbox.daemonZombies().isEmpty)
        }
    }

    @Test func anEscapedOrphanIsStoppedWithItsJobAfterTheMainProcessEnded() async throws {
        try await Sandbox.run { sandbox async throws in
            // The main process ends at once; what it left lives in a session of its own.
            let (id, _) = try await sandbox.addJob("sh", "-c", "setsid sh -c 'echo $$ > escapee; exec sleep 300' & exit 0")
            let escapee = try #require(try await Self.announcedPIDs(sandbox, "escapee", count: 1).first)
            let handle = try #require(ProcessHandle(escapee))
            _ = try await sandbox.waitUntilStopped(id)
            #expect(try await Self.processes(sandbox, id).map(\.pid) == [escapee])
            let stop = try await sandbox.gob("stop", "--json", id)
            #expect(stop.status == 0, "\(stop)")
            #expect(handle.hasExited, "stop returns once what the job left is gone")
        }
    }

    @Test func theJobsMarkerReplacesTheClientsOwn() async throws {
        try await Sandbox.run { sandbox async throws in
            // A `gob add` run inside another job passes that job's marker on: the new job
            // must carry its own.
            let (id, _) = try await sandbox.addJob("sh", "-c", "echo \"$GOB_JOB_ID\"", environment: ["GOB_JOB_ID": "outer"])
            _ = try await sandbox.waitUntilStopped(id)
            #expect(try await sandbox.gob("stdout", id).stdout == "\(id)\n")
        }
    }

    /// A python3 program that listens and says where, with the PID that listens.
    static let listener = """
        import os, socket, sys, time
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", 0)); t.listen()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM); s.bind(("::1", 0)); s.listen()
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(("127.0.0.1", 9))
        with open(sys.argv[1] + ".tmp", "w") as f: f.write("%d %d %d %d\\n" % (os.getpid(), t.getsockname()[1], u.getsockname()[1], s.getsockname()[1]))
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        time.sleep(300)
        """

    /// The PID and ports the listener wrote to `file`.
    static func listening(_ sandbox: Sandbox, _ file: String) async throws -> (pid: Int32, tcp: Int, udp: Int, tcp6: Int) {
        var values: [Int] = []
        try await sandbox.waitUntil("the listener to say where it listens") {
            let text = (try? String(contentsOfFile: sandbox.workdir + "/" + file, encoding: .utf8)) ?? ""
            values = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
            return values.count == 4
        }
        return (Int32(values[0]), values[1], values[2], values[3])
    }

    @Test func portsOfTheJobAndOfAnEscapedGrandchild() async throws {
        guard let python = Sandbox.installedProgram("python3") else {
            print("skipped: needs python3")
            return
        }
        try await Sandbox.run { sandbox async throws in
            let program = sandbox.workdir + "/listener.py"
            try Self.listener.write(toFile: program, atomically: true, encoding: .utf8)
            let (direct, _) = try await sandbox.addJob(python, program, "direct")
            // A grandchild in a session of its own whose parent has ended.
            let (escaped, _) = try await sandbox.addJob(
                "sh", "-c", "setsid sh -c '\(python) \(program) escaped & exit 0'; exec sleep 300")
            let one = try await Self.listening(sandbox, "direct")
            let two = try await Self.listening(sandbox, "escaped")
            let escapedListener = try #require(ProcessHandle(two.pid))

            for (id, where_) in [(direct, one), (escaped, two)] {
                let expected = [
                    ListeningPort(port: where_.tcp, transport: .tcp, address: "127.0.0.1", pid: where_.pid),
                    ListeningPort(port: where_.tcp6, transport: .tcp, address: "::1", pid: where_.pid),
                    ListeningPort(port: where_.udp, transport: .udp, address: "127.0.0.1", pid: where_.pid),
                ].sorted(by: ListeningPort.ordered)
                let json = try await sandbox.gob("ports", "--json", id)
                #expect(json.status == 0, "\(json)")
                let object = try JSON(parsing: json.stdout)
                #expect(object["id"]?.stringValue == id)
                #expect(ListeningPort.list(json: object["ports"]) == expected, "\(json.stdout)")

                let text = try await sandbox.gob("ports", id)
                let lines = text.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                #expect(lines.first == ["PORT", "PROTO", "ADDRESS", "PID"], "\(text)")
                #expect(lines.dropFirst().map { $0 } == expected.map { [String($0.port), $0.transport.rawValue, $0.address, String($0.pid)] })

                // The scheduled lookups put them on the job, announced by `ports_updated`.
                try await sandbox.waitForJobs("the ports of \(id) on the job") { jobs in
                    jobs.first { $0.id == id }?.ports == expected
                }
            }

            // The directory's jobs, with a JOB column.
            let all = try await sandbox.gob("ports")
            #expect(all.stdout.hasPrefix("JOB"), "\(all)")
            #expect(all.stdout.split(separator: "\n").count == 7, "\(all)")
            let list = try await sandbox.gob("list")
            let summary = ListeningPort.summary([
                ListeningPort(port: one.tcp, transport: .tcp, address: "", pid: 0),
                ListeningPort(port: one.tcp6, transport: .tcp, address: "", pid: 0),
                ListeningPort(port: one.udp, transport: .udp, address: "", pid: 0),
            ])
            #expect(summary.contains("/udp"))
            #expect(list.stdout.contains("\n    \(summary)\n"), "\(list)")

            let stopped = try await sandbox.gob("stop", escaped)
            #expect(stopped.status == 0)
            #expect(escapedListener.hasExited, "the escaped listener was stopped")
            #expect(try await sandbox.gob("ports", escaped).stdout == "Job \(escaped) is not running\n")
            #expect(try await sandbox.listedJob(escaped)?.ports == [], "a stopped job lists no ports")
        }
    }

    @Test func oneLineAnswersAndRefusals() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ports").stdout == "No running jobs\n")
            let (id, _) = try await sandbox.addJob("sleep", "300")
            #expect(try await sandbox.gob("ports", id).stdout == "Job \(id) has no listening ports\n")
            #expect(try await sandbox.gob("ports").stdout == "No listening ports\n")
            let json = try await sandbox.gob("ports", "--json")
            #expect(try JSON(parsing: json.stdout).arrayValue?.count == 1, "\(json)")
            #expect(try await sandbox.gob("stop", id).status == 0)
            #expect(try await sandbox.gob("ports", id).stdout == "Job \(id) is not running\n")
            #expect(try await sandbox.gob("ps", id).stdout == "Job \(id) is not running\n")

            let both = try await sandbox.gob("ports", "--all", id)
            #expect(both.status == 1)
            #expect(both.stderr.hasPrefix("Error: a job ID and --all cannot be used together\n"), "\(both)")
            let missing = try await sandbox.gob("ps", "nope")
            #expect(missing.status == 1)
            #expect(missing.stderr == "Error: job not found: nope\n", "\(missing)")
            let none = try await sandbox.gob("ps")
            #expect(none.status == 1)
            #expect(none.stderr.hasPrefix("Error: accepts 1 arg(s), received 0\n"), "\(none)")
        }
    }

    /// No permanent timer: once a run's lookups are done, the idle daemon uses no CPU.
    @Test(.tags(.long)) func theIdleDaemonUsesNoCPUOnceTheLookupsAreDone() async throws {
        try await Sandbox.run { sandbox async throws in
            try await sandbox.addJob("sh", "-c", "sleep 300 & sleep 300 & exec sleep 300")
            func pending() async throws -> Int64? {
                let status = try await sandbox.gob("status", "--json")
                return try JSON(parsing: status.stdout)["port_lookups_pending"]?.intValue
            }
            #expect(try await pending() == 1, "a lookup is scheduled after the start")
            // The last lookup is 30 s after the start; nothing announces it but `status`.
            #expect(try await eventuallyAsync(timeout: .seconds(90), every: .milliseconds(500)) { try await pending() == 0 })
            let daemon = try #require(sandbox.daemonPID)
            let used = try #require(try await CPUTime.used(by: daemon, over: .seconds(3)))
            #expect(used == 0, "the idle daemon used \(used) ticks in 3 s")
        }
    }
}
