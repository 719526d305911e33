import Foundation
@testable import GobDaemon
import GobProtocol
import GobTestSupport
import Synchronization
import Testing
import GobSystem

/// The pieces a job's tree is found, looked into and stopped with: `/proc` parsing, the
/// job marker, the claim that never signals a reused PID, and the lookup schedule.
@Suite("Process tree reading", .timeLimit(.minutes(1)))
struct ProcessTreeReadingTests {
    @Test func statLinesWithOddNames() throws {
        let line = "4242 (a b) (c)) S 4200 4242 4100 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 2 0 98765 1234567 321 18446744073709551615"
        let process = try #require(TreeProcess.parse(pid: 4242, stat: Array(line.utf8)))
        #expect(process.name == "a b) (c)")
        #expect(process.state == UInt8(ascii: "S"))
        #expect((process.ppid, process.pgid, process.sid) == (4200, 4242, 4100))
        #expect(process.cpuTicks == 10)
        #expect(process.threads == 2)
        #expect(process.startTime == 98765)
        #expect(process.rssPages == 321)
        #expect(TreeProcess.parse(pid: 1, stat: Array("1 (x) S 0 1".utf8)) == nil)
        #expect(TreeProcess.parse(pid: 1, stat: []) == nil)
    }

    @Test func directoriesOfManyEntriesAreListedWhole() throws {
        // Many reads of the directory (8 KB each), and the short one that ends it.
        let opened = (0..<600).map { _ in open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { for fd in opened where fd >= 0 { close(fd) } }
        #expect(opened.allSatisfy { $0 >= 0 })
        var linked = 0
        let names = try #require(ProcFiles.names(at: AT_FDCWD, "/proc/self/fd") { directory, name in
            if ProcFiles.link(at: directory, name) != nil { linked += 1 }
        })
        let numbers = Set(names.compactMap(Int32.init))
        #expect(numbers.count == names.count, "only descriptor numbers: \(names.filter { Int32($0) == nil })")
        #expect(numbers.isSuperset(of: opened), "missing \(Set(opened).subtracting(numbers).sorted().prefix(10))")
        #expect(!names.contains(".") && !names.contains(".."))
        // The listing's own descriptor may be gone by the time its link is read.
        #expect(linked >= opened.count)
        // A short directory, read in one call.
        let few = try #require(ProcFiles.names(at: AT_FDCWD, "/proc/self/task"))
        #expect(few.contains(String(getpid())))
        #expect(ProcFiles.names(at: AT_FDCWD, "/proc/self/no-such") == nil)
    }

    @Test func theMarkerIsReadFromTheEnvironment() {
        let environment = Array("PATH=/bin\0GOB_JOB_IDX=no\0GOB_JOB_ID=k3v\0HOME=/h\0".utf8)
        #expect(JobTrees.marker(inEnvironment: environment) == "k3v")
        #expect(JobTrees.marker(inEnvironment: Array("A=1\0XGOB_JOB_ID=x\0".utf8)) == nil)
        #expect(JobTrees.marker(inEnvironment: []) == nil)
        // The launcher's own: the client's marker is replaced, never doubled.
        let marked = PosixProcessLauncher.marked(["A=1", "GOB_JOB_ID=outer", "B=2"], jobID: "new")
        #expect(marked == ["A=1", "B=2", "GOB_JOB_ID=new"])
        #expect(PosixProcessLauncher.marked(["A=1"], jobID: nil) == ["A=1"])
    }

    #if _endian(little)
    @Test func listeningSocketsFromTheKernelsTables() {
        var sockets = ListeningSockets()
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0 100 0 0 10 0
               1: 0100007F:1436 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 5002 1 0 20 4 30 10 -1
               2: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 0 1 0 100 0 0 10 0
            """
        sockets.add(table: Array(tcp.utf8), transport: .tcp, v6: false)
        let tcp6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000001000000:6066 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6001 1 0 100 0 0 10 0
               1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6002 1 0 100 0 0 10 0
               2: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6003 1 0 100 0 0 10 0
            """
        sockets.add(table: Array(tcp6.utf8), transport: .tcp, v6: true)
        let udp = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             100: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 7001 2 0 0
             101: 0100007F:A000 0100007F:0035 01 00000000:00000000 00:00000000 00000000  1000        0 7002 2 0 0
             102: 0100007F:A001 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 7003 2 0 0
            """
        sockets.add(table: Array(udp.utf8), transport: .udp, v6: false)
        #expect(sockets.byInode == [
            5001: .init(port: 5173, transport: .tcp, address: "127.0.0.1"),
            6001: .init(port: 24678, transport: .tcp, address: "::1"),
            6002: .init(port: 8080, transport: .tcp, address: "::"),
            6003: .init(port: 8081, transport: .tcp, address: "::ffff:127.0.0.1"),
            7001: .init(port: 5353, transport: .udp, address: "0.0.0.0"),
            7003: .init(port: 40961, transport: .udp, address: "127.0.0.1"),
        ], "connected sockets and sockets without an inode are not listening")
    }
    #endif

    /// The kernel's sock_diag answer and its text tables agree on this process's own
    /// sockets: a TCP listener, a bound UDP socket, an IPv6 listener; not a connected
    /// UDP socket.
    @Test func bothWaysOfReadingTheTablesAgree() throws {
        func open(_ family: Int32, _ type: Int32, _ address: String, connect: Bool = false) throws -> (fd: Int32, inode: UInt64) {
            let fd = socket(family, type, 0)
            guard fd >= 0 else { throw SystemError.last }
            if family == AF_INET {
                var local = sockaddr_in()
                local.sin_family = sa_family_t(AF_INET)
                inet_pton(AF_INET, address, &local.sin_addr)
                let rc = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect ? Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                            : bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                try #require(rc == 0)
            } else {
                var local = sockaddr_in6()
                local.sin6_family = sa_family_t(AF_INET6)
                inet_pton(AF_INET6, address, &local.sin6_addr)
                let rc = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
                }
                try #require(rc == 0)
            }
            if type == Int32(SOCK_STREAM.rawValue) { try #require(listen(fd, 1) == 0) }
            var info = stat()
            try #require(fstat(fd, &info) == 0)
            return (fd, UInt64(info.st_ino))
        }
        let stream = Int32(SOCK_STREAM.rawValue)
        let datagram = Int32(SOCK_DGRAM.rawValue)
        let sockets = [
            try open(AF_INET, stream, "127.0.0.1"), try open(AF_INET, datagram, "127.0.0.1"),
            try open(AF_INET6, stream, "::1"), try open(AF_INET, datagram, "127.0.0.1", connect: true),
        ]
        defer { for entry in sockets { close(entry.fd) } }
        let inodes = Set(sockets.map(\.inode))
        let asked = ListeningSockets.readOwnNamespace().byInode.filter { inodes.contains($0.key) }
        let printed = ListeningSockets.read(namespaceOf: getpid()).byInode.filter { inodes.contains($0.key) }
        // This kernel answers sock_diag for TCP: the quick way is the one taken.
        #expect(ListeningSockets.dump(family: AF_INET, protocol: Int32(IPPROTO_TCP)) != nil)
        #expect(asked.count == 3, "\(asked)")
        #expect(asked == printed)
        #expect(asked[sockets[3].inode] == nil, "a connected UDP socket does not listen")
        #expect(asked[sockets[2].inode]?.address == "::1")
        #expect(asked[sockets[1].inode]?.transport == .udp)
    }

    /// A process found by a lookup and a process that holds its PID later are told apart
    /// by the start time: a claim on the one found is refused, and nothing is signalled.
    @Test func aReusedPIDIsNeverClaimed() async throws {
        let pid = try ChildProcess.spawn("/bin/sleep", ["sleep", "60"], environment: [])
        let handle = try #require(ProcessHandle(pid))
        defer {
            handle.signal(SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        let now = try #require(TreeProcess.read(pid))
        // What a lookup found before the number went to this process: another start time.
        var found = now
        found.startTime = now.startTime - 1
        #expect(ClaimedProcess.claim(found) == nil, "a PID that names another process now is not claimed")
        #expect(!handle.hasExited)

        let claimed = try #require(ClaimedProcess.claim(now))
        #expect(claimed.signal(0) == 0)
        #expect(!claimed.hasExited)
        #expect(claimed.signal(SIGKILL) == 0)
        #expect(await handle.exit())
        #expect(claimed.hasExited)
        #expect(ClaimedProcess.claim(TreeProcess(
            pid: Int32.max, ppid: 1, pgid: 1, sid: 1, state: UInt8(ascii: "S"), cpuTicks: 0, threads: 1,
            startTime: 1, rssPages: 0, name: "gone")) == nil)
    }

    @Test func lookupsAreScheduledAfterAStartAndStopOnceDone() async throws {
        let schedule = PortSchedule()
        let performed = Mutex<[PortSchedule.Work]>([])
        schedule.attach { work in performed.withLock { $0.append(work) } }
        #expect(schedule.pendingCount == 0)
        schedule.runStarted("a", pid: 10)
        #expect(schedule.pendingCount == 1)
        #expect(try await eventually { performed.withLock { $0.contains { $0.jobs == ["a": 10] } } }, "the first lookup, 0.5 s in")
        schedule.forget("a")
        #expect(schedule.pendingCount == 0)

        // A list asks for one look at its directory, not one per list.
        let before = performed.withLock { $0.count }
        schedule.listed(scope: "/w")
        schedule.listed(scope: "/w")
        #expect(try await eventually { performed.withLock { $0.count } > before })
        #expect(performed.withLock { $0.filter { $0.scopes == ["/w"] }.count } == 1)

        // A run waiting for a port gets dense lookups until the watch ends, or is ended.
        let now = MonotonicClock.now()
        schedule.watch("b", pid: 11, from: now, until: now + MonotonicClock.seconds(0.3))
        #expect(try await eventually { performed.withLock { $0.filter { $0.jobs["b"] == 11 }.count } >= 3 })
        #expect(try await eventually { schedule.pendingCount == 0 }, "the watch ends")
        schedule.watch("c", pid: 12, from: now, until: now + MonotonicClock.seconds(3600))
        #expect(try await eventually { performed.withLock { $0.contains { $0.jobs["c"] == 12 } } })
        schedule.unwatch("c")
        #expect(schedule.pendingCount == 0, "unwatched: nothing more to look up")
    }

    @Test func aRunWaitingForAPortIsLookedUpDenselyThenLessOften() {
        #expect(PortSchedule.interval(sinceStart: 0) == PortSchedule.fastestInterval)
        #expect(PortSchedule.interval(sinceStart: MonotonicClock.seconds(2)) == MonotonicClock.seconds(0.1))
        #expect(PortSchedule.interval(sinceStart: MonotonicClock.seconds(600)) == PortSchedule.slowestInterval)
    }
}
