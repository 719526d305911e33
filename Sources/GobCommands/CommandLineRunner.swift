import ArgumentParser
import GobProtocol

/// Turns the process arguments into one run of one command, with cobra's user-visible
/// rules on top of ArgumentParser: the root is dispatched here, each sub-command is parsed
/// on its own (so no parent option leaks into it), gob's own options come before a job's
/// command, and parser errors are re-worded from the command's own flag definitions.
///
/// Every failure ends here: one `Error: <message>` line on stderr (a usage mistake adds
/// the usage hint), with `--json` the same failure as a JSON object on stdout, and the
/// exit status.
struct CommandLineRunner {
    /// Runs `arguments` (without the program name) and returns the exit status.
    func run(_ arguments: [String]) -> Int32 {
        // The hot commands' exact shapes skip the parser's start-up (docs/performance.md).
        if let invocation = FastPath.invocation(arguments) { return run(invocation, arguments: arguments) }
        switch route(arguments) {
        case .overview:
            Console.out(OverviewCommand.card)
            return 0
        case let .help(topic): return help(topic: topic)
        case .completion: return complete(arguments)
        case .dumpHelp:
            // What swift-argument-parser's manual generator reads (`gob.1`).
            Console.out(Gob._dumpHelp())
            return 0
        case let .subcommand(command, rest): return runSubcommand(command, rest)
        case .root: return runRoot(arguments)
        case let .unknown(word):
            Console.error(CommandSuggestions.unknownCommandText(word, among: Gob.suggestableNames))
            return 1
        }
    }

    /// Runs an invocation of a hot command, from either route; a failure is reported
    /// like any parser-route command's.
    func run(_ invocation: Invocation, arguments: [String]) -> Int32 {
        finish(command: { invocation.definition }, arguments: arguments.dropFirst()) { try invocation.run() }
    }

    /// Where the parser route sends the arguments, by their first word.
    enum Route {
        /// Bare `gob`: the overview card.
        case overview
        /// `gob help [topic]`.
        case help(topic: String?)
        /// A completion script's call back (`completionRequest`).
        case completion
        /// `--experimental-dump-help`: the command definitions as JSON, for the man page.
        case dumpHelp
        /// A sub-command with its own arguments.
        case subcommand(any ParsableCommand.Type, [String])
        /// Root options such as `--version`.
        case root
        /// Not a command.
        case unknown(String)
    }

    /// The parser route's first decision, shared by `run` and the fast path's tests.
    func route(_ arguments: [String]) -> Route {
        guard let first = arguments.first else { return .overview }
        if first == "help" { return .help(topic: arguments.dropFirst().first) }
        if first == Self.completionRequest { return .completion }
        if arguments == ["--experimental-dump-help"] { return .dumpHelp }
        if let command = Gob.subcommand(named: first) { return .subcommand(command, Array(arguments.dropFirst())) }
        if first.hasPrefix("-") && first != "-" { return .root }
        return .unknown(first)
    }

    /// How the completion scripts call back for live candidates (job IDs, signal names):
    /// `gob ---completion <command> -- <argument> <word index> <cursor> <words…>`.
    static let completionRequest = "---completion"

    /// Answers a completion script: the parser runs the argument's completion function
    /// and hands its candidates back as a "message". Prints the candidates, one a line,
    /// or nothing at all: a completion never writes to the terminal (stderr).
    private func complete(_ arguments: [String]) -> Int32 {
        do {
            _ = try Gob.parseAsRoot(arguments)
        } catch {
            guard Gob.exitCode(for: error) == .success else { return 1 }
            let candidates = Gob.fullMessage(for: error)
            if !candidates.isEmpty { Console.line(candidates) }
            return 0
        }
        return 1
    }

    /// What root-level options (`-h`, `-v`, …) ask for.
    enum RootOutcome {
        /// Run the parsed root command (the version, or the overview card).
        case run(Gob)
        /// `-h`/`--help`: the root help.
        case help
        /// A parse error, worded as cobra words it.
        case failure(String)
        /// A positional that is no command, e.g. `gob -x foo`.
        case unknownCommand(String)
    }

    /// Parses root-level options. Positionals after them are ignored, as cobra does for
    /// `gob --version extra`.
    func parseRoot(_ arguments: [String]) -> RootOutcome {
        let options = Array(arguments.prefix { $0 != "--" }.filter { $0.hasPrefix("-") && $0 != "-" })
        let positionals = arguments.filter { !($0.hasPrefix("-") && $0 != "-") }
        let root: Gob
        do {
            guard let parsed = try Gob.parseAsRoot(options) as? Gob else { return .help }
            root = parsed
        } catch {
            if Gob.exitCode(for: error) == .success { return .help }
            return .failure(rewording(error, of: Gob.self, arguments: options).message)
        }
        if !root.version, let word = positionals.first, word != "--" { return .unknownCommand(word) }
        return .run(root)
    }

    private func runRoot(_ arguments: [String]) -> Int32 {
        switch parseRoot(arguments) {
        case let .run(root): return execute(root, as: Gob.self, arguments: arguments)
        case .help: return printHelp(Gob.self)
        case let .failure(message): return fail(.usage(message), command: Gob.self, arguments: arguments[...])
        case let .unknownCommand(word):
            Console.error(CommandSuggestions.unknownCommandText(word, among: Gob.suggestableNames))
            return 1
        }
    }

    /// Parses and runs one sub-command.
    private func runSubcommand(_ type: any ParsableCommand.Type, _ arguments: [String]) -> Int32 {
        let command: any ParsableCommand
        do {
            command = try parse(type, arguments)
        } catch let failure as CommandFailure {
            return fail(failure, command: type, arguments: arguments[...])
        } catch {
            if type.exitCode(for: error) == .success { return printHelp(type) }
            return fail(.usage(type.message(for: error)), command: type, arguments: arguments[...])
        }
        return execute(command, as: type, arguments: arguments)
    }

    /// Parses with ArgumentParser; on refusal, asks the command's flag table for cobra's
    /// wording, or for a rewritten argument list (`--force=true`) to parse once more.
    func parse(_ type: any ParsableCommand.Type, _ arguments: [String]) throws -> any ParsableCommand {
        // An option whose value may be left out, which the parser cannot read by itself.
        let arguments = ReadyPortArgument.normalized(arguments, of: type)
        do {
            return try type.parseAsRoot(arguments)
        } catch {
            if type.exitCode(for: error) == .success { throw error }
            switch FlagTable(of: type).diagnose(arguments) {
            case let .invalid(message): throw CommandFailure.usage(message)
            case let .valid(rewritten) where rewritten != arguments: return try type.parseAsRoot(rewritten)
            case .valid: throw error
            }
        }
    }

    private func rewording(_ error: any Error, of type: any ParsableCommand.Type, arguments: [String]) -> CommandFailure {
        if case let .invalid(message) = FlagTable(of: type).diagnose(arguments) { return .usage(message) }
        return .usage(type.message(for: error))
    }

    /// Runs a parsed command and maps what it throws to output and exit status.
    private func execute(_ command: any ParsableCommand, as type: any ParsableCommand.Type, arguments: [String]) -> Int32 {
        var command = command
        return finish(command: { type }, arguments: arguments[...]) { try command.run() }
    }

    /// Runs `body` and maps what it throws to output and exit status; `type` is only
    /// asked for when something was thrown. `arguments` are the command's own (after its
    /// name), read again only on failure, to learn whether it was asked for `--json`.
    private func finish(command type: () -> any ParsableCommand.Type, arguments: ArraySlice<String>,
                        _ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return 0
        } catch let failure as CommandFailure {
            return fail(failure, command: type(), arguments: arguments)
        } catch is HelpRequested {
            return printHelp(type())
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            // A help flag makes the parser return its own help command, whose run throws.
            let type = type()
            if type.exitCode(for: error) == .success { return printHelp(type) }
            return fail(.usage(type.message(for: error)), command: type, arguments: arguments)
        }
    }

    /// `gob help [command]`: help on stdout; an unknown topic is a usage mistake, with
    /// the same suggestions as an unknown command.
    private func help(topic: String?) -> Int32 {
        guard let topic else { return printHelp(Gob.self) }
        if topic == "help" {
            Console.line(Self.helpCommandHelp)
            return 0
        }
        guard let command = Gob.subcommand(named: topic) else {
            Console.error(CommandSuggestions.unknownHelpTopicText(topic, among: Gob.suggestableNames))
            return 1
        }
        return printHelp(command)
    }

    /// The help text of `help` itself, which ArgumentParser has no type for.
    static let helpCommandHelp = """
        Help provides help for any command in the application.
        Simply type gob help [path to command] for full details.

        USAGE: gob help [command]
        """

    private func printHelp(_ type: any ParsableCommand.Type) -> Int32 {
        let text = type == Gob.self ? Gob.helpMessage() : Gob.helpMessage(for: type)
        Console.line(text)
        return 0
    }

    /// `Error: <message>` on stderr — for a usage mistake followed by the usage block and
    /// an empty line — and, when the command was asked for `--json`, the failure as JSON
    /// on stdout.
    private func fail(_ failure: CommandFailure, command type: any ParsableCommand.Type,
                      arguments: ArraySlice<String>) -> Int32 {
        if JSONRequest.asked(in: arguments, of: type) { Console.json(failure.json) }
        if failure.showsUsage {
            Console.error("Error: \(failure.message)\n" + usageBlock(type) + "\n")
        } else {
            Console.error("Error: \(failure.message)\n")
        }
        return failure.exitStatus
    }

    /// The usage block in ArgumentParser's layout.
    private func usageBlock(_ type: any ParsableCommand.Type) -> String {
        // A usage of several lines continues under its first, as in the help.
        let usage = (type == Gob.self ? Gob.usageString() : Gob.usageString(for: type))
            .split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n       ")
        let path = type == Gob.self ? "gob" : "gob \(type.configuration.commandName ?? "")"
        return "Usage: \(usage)\n  See '\(path) --help' for more information.\n"
    }
}
