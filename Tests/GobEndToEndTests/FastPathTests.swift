@testable import GobCommands
import Testing

/// The fast path (`FastPath`) against the parser route: for every argument shape it
/// accepts, ArgumentParser (with the runner's cobra rules) must make the very same
/// `Invocation` of it; whatever the parser would refuse, answer with help, or read
/// differently, the fast path must decline.
@Suite("Fast path agrees with the parser", .timeLimit(.minutes(2)))
struct FastPathTests {
    /// What the parser route makes of a command line.
    enum Outcome: Equatable, CustomStringConvertible {
        /// It would run this invocation of a hot command.
        case invocation(Invocation)
        /// Help, an error, the overview card or another command.
        case other

        var description: String {
            switch self {
            case let .invocation(invocation): "\(invocation)"
            case .other: "other"
            }
        }
    }

    /// The parser route up to running: the runner's own dispatch and parse, then the
    /// command's hand-over.
    static func parserRoute(_ arguments: [String]) -> Outcome {
        let runner = CommandLineRunner()
        switch runner.route(arguments) {
        case let .subcommand(type, rest):
            guard let command = try? runner.parse(type, rest),
                  let hot = command as? any InvocationCommand,
                  let invocation = try? hot.invocation()
            else { return .other }
            return .invocation(invocation)
        case .root:
            guard case let .run(root) = runner.parseRoot(arguments), let invocation = root.invocation() else {
                return .other
            }
            return .invocation(invocation)
        case .overview, .help, .completion, .dumpHelp, .unknown:
            return .other
        }
    }

    /// Checks one shape; returns whether the fast path accepted it.
    @discardableResult
    static func check(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let fast = FastPath.invocation(arguments) else { return false }
        let parsed = parserRoute(arguments)
        #expect(parsed == .invocation(fast), "\(arguments)", sourceLocation: sourceLocation)
        return true
    }

    /// Words the shapes are built from: every flag of the hot commands in every spelling,
    /// `=` values, clusters, help, `--`, `-`, unknown flags, empty and odd positionals.
    static let words = [
        "-a", "--all", "--workdir", "--json", "--json=false", "--json=true", "--all=1", "-af", "-fa", "-aa",
        "-f", "--force", "-ff", "-fq", "-q", "--quiet", "--follow", "--follow=false", "-d", "--description",
        "--description=x", "-dx", "-d=x", "--", "-", "-h", "--help", "-help", "help", "x", "V3x0QqI", "",
        "--bogus", "-z", "-la", "web UI", "--version", "-v", "-w", "--limit", "--limit=3", "5", "-3",
        "--ready-fd", "--ready-fd=3", "+3", "99999999999",
    ]

    /// The first words tried: the hot commands, root flags, and near misses.
    static let heads = [
        "list", "ping", "status", "stop", "add", "runs", "ports", "daemon", "--version", "-v", "start", "help", "lst", "-h",
    ]

    @Test("every shape of up to two words after the command", arguments: heads)
    func shortShapes(head: String) {
        var accepted = 0
        if Self.check([head]) { accepted += 1 }
        for first in Self.words {
            if Self.check([head, first]) { accepted += 1 }
            for second in Self.words where Self.check([head, first, second]) {
                accepted += 1
            }
        }
        if ["list", "ping", "status", "add", "stop", "runs", "ports", "daemon"].contains(head) {
            #expect(accepted > 0, "the fast path takes some shapes of \(head)")
        }
    }

    /// Words each hot command's fast path takes (its flags, plain positionals): drawn
    /// more often than the rest, so long shapes are taken as well as declined.
    static let takenWords: [String: [String]] = [
        "list": ["-a", "--all", "--workdir", "--json", "x", "help"],
        "stop": ["-f", "--force", "--json", "V3x0QqI"],
        "add": ["-f", "--follow", "-q", "--quiet", "--json", "-d", "x", "--", "web UI"],
        "runs": ["--json", "--limit", "5", "k3v", "0"],
    ]

    /// `ping`, `status` and `daemon` take no positional and no repeated flag, so none of
    /// their shapes has more than two words after the command: the exhaustive short
    /// shapes above cover them.
    @Test("longer shapes, drawn at random (fixed seed)", arguments: ["list", "stop", "add", "runs"])
    func longShapes(head: String) throws {
        var generator = SplitMix(seed: 0x9E37_79B9 &+ UInt64(head.utf8.count))
        let taken = try #require(Self.takenWords[head])
        var accepted = 0
        for _ in 0..<400 {
            let length = Int(generator.next() % 5) + 3
            var arguments = [head]
            for _ in 0..<length {
                let pool = generator.next() % 4 == 0 ? Self.words : taken
                arguments.append(pool[Int(generator.next() % UInt64(pool.count))])
            }
            if Self.check(arguments) { accepted += 1 }
        }
        // Both routes must be exercised: shapes the fast path takes (and is checked on)
        // and shapes it leaves to the parser.
        #expect(accepted > 0 && accepted < 400, "the fast path took \(accepted) of 400 shapes of \(head)")
    }

    @Test("the hot shapes take the fast path", arguments: [
        (["list"], Invocation.list(all: false, workdir: false, json: false)),
        (["list", "--json"], .list(all: false, workdir: false, json: true)),
        (["list", "-a", "--workdir"], .list(all: true, workdir: true, json: false)),
        (["ping"], .ping),
        (["status", "--json"], .status(json: true)),
        (["--version"], .version),
        (["-v"], .version),
        (["stop", "V3x0QqI"], .stop(force: false, quiet: false, json: false, arguments: ["V3x0QqI"])),
        (["stop", "-f", "--json", "V3x0QqI"], .stop(force: true, quiet: false, json: true, arguments: ["V3x0QqI"])),
        (["stop", "-q", "k3v"], .stop(force: false, quiet: true, json: false, arguments: ["k3v"])),
        (["add", "--", "sleep", "100"], .add(follow: false, description: nil, quiet: false, json: false, command: ["sleep", "100"])),
        (["add", "make", "-j4", "--", "x"], .add(follow: false, description: nil, quiet: false, json: false, command: ["make", "-j4", "--", "x"])),
        (["add", "-q", "-d", "web UI", "--", "-weird"], .add(follow: false, description: "web UI", quiet: true, json: false, command: ["-weird"])),
        (["add", "-f", "--json", "--", "--", "x"], .add(follow: true, description: nil, quiet: false, json: true, command: ["--", "x"])),
        (["runs", "k3v"], .runs(limit: nil, json: false, arguments: ["k3v"])),
        (["runs", "--limit", "5", "--json", "k3v"], .runs(limit: "5", json: true, arguments: ["k3v"])),
        (["runs", "k3v", "--limit", "0"], .runs(limit: "0", json: false, arguments: ["k3v"])),
        (["daemon"], .daemon(readyFD: nil)),
        (["daemon", "--ready-fd", "3"], .daemon(readyFD: 3)),
    ])
    func hotShapes(arguments: [String], expected: Invocation) {
        #expect(FastPath.invocation(arguments) == expected)
        #expect(Self.parserRoute(arguments) == .invocation(expected))
    }

    @Test("help, errors, completion and other commands go to the parser", arguments: [
        [], ["list", "-h"], ["list", "--help"], ["list", "--json=true"], ["list", "-af"], ["list", "--bogus"],
        ["list", "--"], ["list", ""], ["list", "--json", "--json"], ["stop"], ["stop", "a", "b"], ["stop", "-ff", "x"],
        ["add"], ["add", "--"], ["add", "-d"], ["add", "-d", "-x", "y"], ["add", "--bogus", "x"], ["add", "-fq", "x"],
        ["add", "--description=x", "y"], ["--version", "x"], ["-h"], ["help", "list"], ["ping", "-h"],
        ["status", "--json=false"], ["---completion", "stop", "--", "job_id", "0", "0", "gob", "stop", ""],
        ["start", "x"], ["overview"], ["lst"], ["list", "extra"], ["ping", "x"], ["status", "x"],
        ["--experimental-dump-help"], ["daemon", "--ready-fd"], ["daemon", "--ready-fd", "x"], ["daemon", "x"],
        ["daemon", "--ready-fd", "3", "--ready-fd", "4"], ["daemon", "--ready-fd=3"], ["daemon", "-h"],
        ["add", "-f", "--stuck-after", "5m", "x"],
    ])
    func declined(arguments: [String]) {
        #expect(FastPath.invocation(arguments) == nil)
    }

    /// `--stuck-after` is the parser's: the fast path declines it, and the parser hands
    /// the same `Invocation` over with the limit in milliseconds.
    @Test func stuckAfterGoesThroughTheParser() {
        let arguments = ["add", "-f", "--stuck-after", "1m30s", "make", "test"]
        #expect(FastPath.invocation(arguments) == nil)
        let expected = Invocation.add(
            follow: true, description: nil, quiet: false, json: false, command: ["make", "test"], stuckAfter: 90_000)
        #expect(Self.parserRoute(arguments) == .invocation(expected))
    }
}
