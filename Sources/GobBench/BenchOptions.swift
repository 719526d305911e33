import Glibc

/// The command line of `gob-bench`.
struct BenchOptions {
    static let usage = """
        usage: gob-bench [--gob PATH] [--tmux PATH] [--quick] [--runs N] [--only MEASURE]

        Measures gob against tmux on this machine and prints a markdown table (see
        docs/performance.md). Use bench/run, which builds gob in release mode first.

          --gob PATH    the gob executable to measure (default .build/release/gob); its
                        daemon, gob-daemon, must be beside it
          --tmux PATH   the tmux executable (default: tmux on PATH)
          --quick       smoke mode for CI: 15 pairs per comparison, 10 latency samples, 2 s idle
          --runs N      measured pairs per comparison (default 30; 15 with --quick)
          --only MEASURE  take one measure alone (its name: warmList, restartInPlace, ...)

        Exits 1 when a measurement failed (a command exited non-zero, a timeout, a missing
        line or event), never because a target was missed.
        """

    /// Absolute path of the gob executable.
    var gob: String
    /// Absolute path of the tmux executable.
    var tmux: String
    var quick: Bool
    /// Measured pairs per side-by-side comparison.
    var runs: Int
    /// The measures to take: every one, or the one `--only` names.
    var measures: [Measure]

    /// Parses `arguments` (without argv[0]); the error text is for the user.
    init(arguments: [String]) throws(BenchError) {
        var gob = ".build/release/gob"
        var tmux: String?
        var quick = false
        var runs: Int?
        var only: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--gob": gob = try BenchOptions.value(of: argument, from: &rest)
            case "--tmux": tmux = try BenchOptions.value(of: argument, from: &rest)
            case "--quick": quick = true
            case "--runs":
                let text = try BenchOptions.value(of: argument, from: &rest)
                guard let number = Int(text), number >= 1 else { throw BenchError("--runs needs a positive number, not \(text)") }
                runs = number
            case "--only": only = try BenchOptions.value(of: argument, from: &rest)
            case "-h", "--help": throw BenchError(BenchOptions.usage)
            default: throw BenchError("unknown argument \(argument)\n\n\(BenchOptions.usage)")
            }
        }
        self.gob = try BenchOptions.executable(gob, what: "gob (build it: swift build -c release)")
        // The daemon the commands start: the executable beside gob, named like it with `-daemon`.
        _ = try BenchOptions.executable(self.gob + "-daemon", what: "gob-daemon, beside gob (build it: swift build -c release)")
        guard let tmuxPath = tmux ?? BenchEnvironment.lookUp("tmux") else {
            throw BenchError("tmux not found on PATH: the benchmark compares gob with tmux 3.3; install it (e.g. apt-get install tmux) or pass --tmux PATH")
        }
        self.tmux = try BenchOptions.executable(tmuxPath, what: "tmux")
        self.quick = quick
        self.runs = runs ?? (quick ? 15 : 30)
        if let only {
            guard let measure = Measure.allCases.first(where: { "\($0)" == only }) else {
                throw BenchError("--only: no measure \(only); there are " + Measure.allCases.map { "\($0)" }.joined(separator: ", "))
            }
            measures = [measure]
        } else {
            measures = Measure.allCases
        }
    }

    /// The value after `option`, consumed from `rest`.
    private static func value(of option: String, from rest: inout ArraySlice<String>) throws(BenchError) -> String {
        guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
        return value
    }

    /// The absolute path of an executable file, since commands are spawned in other
    /// working directories.
    private static func executable(_ path: String, what: String) throws(BenchError) -> String {
        guard access(path, X_OK) == 0, let resolved = realpath(path, nil) else {
            throw BenchError("no executable at \(path): \(what)")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
