import Foundation
import GobProtocol
import Testing

/// A job gets exactly the bytes its user typed: arguments, environment and working
/// directory that are not UTF-8 are neither repaired nor refused, and the protocol
/// refuses what no job can have (a NUL byte, a relative directory).
@Suite("Exact bytes", .timeLimit(.minutes(10)))
struct ExactBytesTests {
    /// The bytes of job `id`'s stdout log, once the job has ended.
    static func output(of id: String, in sandbox: Sandbox) async throws -> [UInt8] {
        _ = try await sandbox.waitUntilStopped(id, timeout: .seconds(60))
        return Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.paths.stdoutLog(id))))
    }

    /// Runs a bash script in `directory` (the built `gob` first on its `PATH`) and returns
    /// the job ID it printed with `gob add -q`.
    static func addWithBash(_ script: String, in sandbox: Sandbox, directory: String? = nil) async throws -> String {
        let bash = try #require(Sandbox.installedProgram("bash"))
        let outcome = try await sandbox.runProgram(bash, ["-c", script], in: directory)
        #expect(outcome.status == 0, "\(outcome)")
        let id = try #require(outcome.stdout.split(separator: "\n").last.map(String.init), "\(outcome)")
        #expect(!id.isEmpty && !id.contains(" "), "\(outcome)")
        return id
    }

    @Test("gob add printf %s $'caf\\xe9' prints caf\\xe9")
    func argumentsAreExact() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await Self.addWithBash(#"gob add -q printf %s $'caf\xe9' $'\xff\xfe<'"#, in: sandbox)
            #expect(try await Self.output(of: id, in: sandbox) == Array("caf".utf8) + [0xE9, 0xFF, 0xFE, 0x3C])
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.command == ["printf", "%s", OSString(bytes: Array("caf".utf8) + [0xE9]), OSString(bytes: [0xFF, 0xFE, 0x3C])])
            // The fast path and the parser route give the same bytes: `-d` sends add to the parser.
            let parsed = try await Self.addWithBash(#"gob add -q --description=x printf %s $'caf\xe9'"#, in: sandbox)
            #expect(try await Self.output(of: parsed, in: sandbox) == Array("caf".utf8) + [0xE9])
            // `run` too.
            let bash = try #require(Sandbox.installedProgram("bash"))
            let ran = try await sandbox.runProgram(bash, ["-c", #"gob run printf %s $'\xe9t\xe9'"#])
            #expect(ran.status == 0, "\(ran)")
            let runID = try #require(try await sandbox.listedJobs().first { $0.id != id && $0.id != parsed }?.id)
            #expect(try await Self.output(of: runID, in: sandbox) == [0xE9, 0x74, 0xE9])
        }
    }

    @Test func environmentIsExact() async throws {
        try await Sandbox.run { sandbox async throws in
            let id = try await Self.addWithBash(#"export GOB_BYTES=$'\xff\xfe caf\xe9'; gob add -q printenv GOB_BYTES"#, in: sandbox)
            #expect(try await Self.output(of: id, in: sandbox) == [0xFF, 0xFE] + Array(" caf".utf8) + [0xE9, 0x0A])
        }
    }

    @Test("a job starts in, and belongs to, a directory with a Latin-1 name")
    func latin1Directory() async throws {
        try await Sandbox.run { sandbox async throws in
            let parent = try sandbox.makeDirectory()
            // `pwd -P` in the job prints the directory the kernel put it in.
            let id = try await Self.addWithBash(#"mkdir $'d\xe9j\xe0' && cd $'d\xe9j\xe0' && gob add -q pwd -P"#, in: sandbox, directory: parent)
            let directory = Array(parent.utf8) + Array("/d".utf8) + [0xE9, 0x6A, 0xE0]
            #expect(try await Self.output(of: id, in: sandbox) == directory + [0x0A])
            let job = try #require(try await sandbox.listedJob(id))
            #expect(job.workdir == OSString(bytes: directory))
            #expect(job.exitCode == 0)

            // Listing is scoped by the directory's bytes: the job is listed there, not in the parent.
            let bash = try #require(Sandbox.installedProgram("bash"))
            let inside = try await sandbox.runProgram(bash, ["-c", #"cd $'d\xe9j\xe0' && gob list --json"#], in: parent)
            #expect(inside.status == 0, "\(inside)")
            #expect(try JSON(parsing: inside.stdout).arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
            #expect(inside.stdout.contains(#"/d\udce9j\udce0""#), "\(inside)")
            let outside = try await sandbox.gob("list", in: parent)
            #expect(outside.stdout == "No jobs found\n", "\(outside)")
            // A neighbour whose name differs only in bytes that are not UTF-8 is another directory.
            let neighbour = try await sandbox.runProgram(bash, ["-c", #"mkdir $'d\xe8j\xe0' && cd $'d\xe8j\xe0' && gob list"#], in: parent)
            #expect(neighbour.stdout == "No jobs found\n", "\(neighbour)")
        }
    }

    /// A client in Python, as docs/protocol.md shows one: `surrogateescape` strings in,
    /// the same bytes out.
    static let pythonClient = #"""
        import json, os, socket
        xdg = os.environ.get("XDG_RUNTIME_DIR", "")
        rt = os.path.join(xdg, "gob") if xdg.startswith("/") else f"/tmp/gob-{os.getuid()}"
        s = socket.socket(socket.AF_UNIX)
        s.connect(os.path.join(rt, "daemon.sock"))
        request = {"type": "add", "payload": {
            "command": ["printf", "%s|%s", os.fsdecode(b"caf\xe9"), os.fsdecode(b"\xc3\xa9\xff")],
            "workdir": os.getcwd(),
            "env": [os.fsdecode(k) + "=" + os.fsdecode(v) for k, v in os.environb.items()]}}
        s.sendall(json.dumps(request).encode() + b"\n")
        job = json.loads(s.makefile(encoding="utf-8", errors="surrogateescape").readline())["data"]["job"]
        assert [os.fsencode(w) for w in job["command"]] == [b"printf", b"%s|%s", b"caf\xe9", b"\xc3\xa9\xff"], job
        print(job["id"])
        """#

    @Test("a Python client speaks the same bytes (surrogateescape)",
          .enabled(if: Sandbox.installedProgram("python3") != nil, "python3 is not installed"))
    func pythonClient() async throws {
        let python = try #require(Sandbox.installedProgram("python3"))
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            let outcome = try await sandbox.runProgram(python, ["-c", Self.pythonClient])
            #expect(outcome.status == 0, "\(outcome)")
            let id = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await Self.output(of: id, in: sandbox) == Array("caf".utf8) + [0xE9, 0x7C, 0xC3, 0xA9, 0xFF])
        }
    }

    @Test("the daemon refuses NUL bytes and relative directories with invalid_argument")
    func nulAndRelativeWorkdirsAreRefused() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.gob("ping").status == 0)
            let workdir = JSON.string(sandbox.workdir).compact
            let requests = [
                (#"{"type":"add","payload":{"command":["printf","a\u0000b"],"workdir":\#(workdir)}}"#, "invalid command: contains a NUL byte"),
                (#"{"type":"add","payload":{"command":["true"],"workdir":\#(workdir),"env":["A=\u0000"]}}"#, "invalid env: contains a NUL byte"),
                (#"{"type":"add","payload":{"command":["true"],"workdir":"relative/dir"}}"#, #"invalid workdir "relative/dir": not an absolute path"#),
                (#"{"type":"list","payload":{"workdir":"."}}"#, #"invalid workdir ".": not an absolute path"#),
            ]
            for (request, message) in requests {
                let response = try #require(sandbox.raw(request), "\(request)")
                #expect(!response.success)
                #expect(response.code == .invalidArgument, "\(request)")
                #expect(response.error == message)
            }
            #expect(try await sandbox.listedJobs().isEmpty)
        }
    }
}
