import GobProject
import GobProtocol
import GobTOML
import Testing

/// Reading a gobfile: every key, the reference program's files as they are, and each
/// fault named with its file, line (and column, for TOML syntax).
@Suite("Gobfile parsing")
struct GobfileParsingTests {
    static let location = GobfileLocator.Location(file: "/p/.config/gobfile.toml", root: "/p")

    func parse(_ text: String) throws(GobfileError) -> Gobfile {
        try Gobfile(text: Array(text.utf8), location: Self.location)
    }

    /// The error `text` is refused with.
    func refusal(_ text: String) -> GobfileError? {
        do throws(GobfileError) {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("every key of an entry")
    func everyKey() throws {
        let gobfile = try parse("""
            [[job]]
            name = "web"
            command = "npm run dev -- --port 5173"
            description = "web UI on :5173"
            autostart = true
            dir = "frontend/app/"
            env = { PORT = "5173", NODE_ENV = "development" }
            ready_log = "Local: +http"
            ready_timeout = "2m"

            [[job]]
            name = "db:reset"
            command = ["sh", "-c", "dropdb dev && createdb dev"]
            description = "drops the dev database; ask first"
            blocked = true

            [[job]]
            name = "api"
            command = "./api"
            ready_port = 8080
            ready_timeout = 30
            """)
        #expect(gobfile.warnings.isEmpty)
        #expect(gobfile.entries.count == 3)
        let web = try #require(gobfile.entry(named: "web"))
        #expect(web.command == ["npm", "run", "dev", "--", "--port", "5173"])
        #expect(web.description == "web UI on :5173")
        #expect(web.autostart && !web.blocked)
        #expect(web.workdir == "/p/frontend/app")
        #expect(web.environment == ["NODE_ENV=development", "PORT=5173"])
        #expect(web.ready == ReadinessRule(log: "Local: +http", timeoutMilliseconds: 120_000))
        #expect(web.readyPort == nil)
        #expect(web.line == 1)
        let reset = try #require(gobfile.entry(named: "db:reset"))
        #expect(reset.command == ["sh", "-c", "dropdb dev && createdb dev"])
        #expect(reset.blocked && !reset.autostart)
        #expect(reset.workdir == "/p")
        #expect(reset.line == 11)
        let api = try #require(gobfile.entry(named: "api"))
        #expect(api.readyPort == 8080)
        #expect(api.ready == ReadinessRule(port: 8080, timeoutMilliseconds: 30_000), "the port and its timeout make one rule")
        #expect(gobfile.blockingEntry(for: ["sh", "-c", "dropdb dev && createdb dev"])?.name == "db:reset")
        #expect(gobfile.blockingEntry(for: ["npm", "run", "dev", "--", "--port", "5173"]) == nil)
        #expect(Gobfile.blockedMessage(reset)
            == "blocked by .config/gobfile.toml: sh -c 'dropdb dev && createdb dev' — drops the dev database; ask first")
    }

    @Test("the reference program's file: no names (entries are called by their command), autostart off by default")
    func referenceFile() throws {
        let gobfile = try parse("""
            [[job]]
            command = "npm run dev"
            description = "Development server for the frontend app"

            [[job]]
            command = "docker compose up db"
            # description and autostart are optional
            """)
        #expect(gobfile.entries.map(\.name) == ["npm run dev", "docker compose up db"])
        #expect(gobfile.entries.allSatisfy { !$0.autostart && !$0.blocked && $0.ready == nil })
        #expect(gobfile.entries[1].description == nil)
        #expect(gobfile.entry(named: "npm run dev")?.commandLine == "npm run dev")
    }

    @Test("ready_port = true is any port")
    func anyPort() throws {
        #expect(try parse("[[job]]\ncommand = \"x\"\nready_port = true\n").entries.first?.readyPort == 0)
    }

    @Test("an empty file, and one without jobs")
    func empty() throws {
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("# nothing yet\n").entries.isEmpty)
    }

    @Test("unknown keys are warnings naming the file and the line")
    func unknownKeys() throws {
        let gobfile = try parse("""
            version = 2

            [[job]]
            command = "make watch"
            autostrat = true
            "colour" = "red"

            [settings]
            x = 1
            """)
        #expect(gobfile.entries.count == 1)
        #expect(gobfile.entries[0].autostart == false)
        #expect(gobfile.warnings.map(\.description) == [
            "/p/.config/gobfile.toml:8: warning: unknown key \"settings\" (ignored; a gobfile holds [[job]] entries)",
            "/p/.config/gobfile.toml:1: warning: unknown key \"version\" (ignored; a gobfile holds [[job]] entries)",
            "/p/.config/gobfile.toml:5: warning: unknown key \"autostrat\" in a [[job]] entry (ignored)",
            "/p/.config/gobfile.toml:6: warning: unknown key \"colour\" in a [[job]] entry (ignored)",
        ])
    }

    @Test("lines are found past multi-line strings that look like headers")
    func multilineStrings() throws {
        let gobfile = try parse("""
            [[job]]
            command = "a"
            description = \"\"\"one line\"\"\"
            note = '''
            [[job]]
            extra = 1
            '''
            [[job]]
            command = "b"
            typo = 1
            """)
        #expect(gobfile.entries.map(\.line) == [1, 8])
        #expect(gobfile.warnings.map(\.line) == [4, 10])
    }

    @Test("invalid TOML: file, line and column")
    func invalidTOML() throws {
        let error = try #require(refusal("[[job]]\ncommand = \"a\"\nautostart = yes\n"))
        #expect(error.path == "/p/.config/gobfile.toml")
        #expect(error.line == 3)
        #expect(error.column == 13)
        #expect(error.description.hasPrefix("/p/.config/gobfile.toml:3:13: invalid TOML: "))
        let unterminated = try #require(refusal("[[job]]\ncommand = \"npm run dev\n"))
        #expect(unterminated.line == 2)
        #expect(unterminated.column != nil)
    }

    @Test("bytes TOML refuses: invalid UTF-8 and NUL, with their line and column")
    func badBytes() throws {
        var bytes = Array("[[job]]\ncommand = \"a".utf8)
        bytes += [0xFF]
        bytes += Array("\"\n".utf8)
        do throws(GobfileError) {
            _ = try Gobfile(text: bytes, location: Self.location)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.line == 2 && error.column == 13)
            #expect(error.message.contains("not UTF-8"))
        }
        do throws(GobfileError) {
            _ = try Gobfile(text: Array("[[job]]\ncommand = \"a\"\n\0".utf8), location: Self.location)
            Issue.record("a NUL byte was accepted")
        } catch {
            #expect(error.line == 3 && error.column == 1)
        }
    }

    @Test("duplicate names, explicit or derived from the command")
    func duplicates() throws {
        let named = try #require(refusal("""
            [[job]]
            name = "web"
            command = "a"

            [[job]]
            command = "b"
            name = "web"
            """))
        #expect(named.line == 7)
        #expect(named.message.contains("duplicate name \"web\" (the entry at line 1 has it too)"))
        let unnamed = try #require(refusal("[[job]]\ncommand = \"make\"\n[[job]]\ncommand = [\"make\"]\n"))
        #expect(unnamed.line == 3)
        #expect(unnamed.message.contains("duplicate name \"make\""))
    }

    @Test("faults of entries, each at the line of its key", arguments: [
        ("[[job]]\ndescription = \"x\"\n", 1, "a job needs a \"command\""),
        ("[[job]]\ncommand = \"\"\n", 2, "empty command"),
        ("[[job]]\ncommand = \"   \"\n", 2, "empty command"),
        ("[[job]]\ncommand = []\n", 2, "empty command"),
        ("[[job]]\ncommand = [\"\", \"x\"]\n", 2, "empty command"),
        ("[[job]]\ncommand = [\"a\", 1]\n", 2, "\"command\" must be a string or an array of strings"),
        ("[[job]]\ncommand = 5\n", 2, "\"command\" must be a string or an array of strings"),
        ("[[job]]\ncommand = \"a | b\"\n", 2, "invalid command: the command uses shell syntax (|)"),
        ("[[job]]\ncommand = \"sh -c 'x\"\n", 2, "invalid command: unterminated '"),
        ("[[job]]\ncommand = \"a\"\nautostart = \"yes\"\n", 3, "\"autostart\" must be true or false"),
        ("[[job]]\ncommand = \"a\"\nblocked = 1\n", 3, "\"blocked\" must be true or false"),
        ("[[job]]\ncommand = \"a\"\nname = \"-x\"\n", 3, "invalid name \"-x\""),
        ("[[job]]\ncommand = \"a\"\nname = \"a b\"\n", 3, "invalid name \"a b\""),
        ("[[job]]\ncommand = \"a\"\nname = 7\n", 3, "\"name\" must be a string"),
        ("[[job]]\ncommand = \"a\"\ndescription = \"two\\nlines\"\n", 3, "\"description\" must be one line"),
        ("[[job]]\ncommand = \"a\"\ndir = \"/abs\"\n", 3, "invalid dir \"/abs\""),
        ("[[job]]\ncommand = \"a\"\ndir = \"../up\"\n", 3, "invalid dir \"../up\""),
        ("[[job]]\ncommand = \"a\"\nenv = \"A=1\"\n", 3, "\"env\" must be a table of strings"),
        ("[[job]]\ncommand = \"a\"\nenv = { A = 1 }\n", 3, "the value of \"A\" in \"env\" must be a string"),
        ("[[job]]\ncommand = \"a\"\nready_log = \"(\"\n", 3, "invalid ready_log \"(\""),
        ("[[job]]\ncommand = \"a\"\nready_log = \"x\"\nready_timeout = \"soon\"\n", 4, "invalid ready_timeout \"soon\""),
        ("[[job]]\ncommand = \"a\"\nready_timeout = \"5s\"\n", 3, "\"ready_timeout\" needs \"ready_log\" or \"ready_port\""),
        ("[[job]]\ncommand = \"a\"\nready_port = 70000\n", 3, "\"ready_port\" must be a port number (1-65535) or true"),
        ("[[job]]\ncommand = \"a\"\nready_port = false\n", 3, "\"ready_port\" must be a port number or true"),
        ("job = 1\n", 1, "\"job\" must be an array of tables ([[job]])"),
    ])
    func entryFaults(text: String, line: Int, message: String) throws {
        let error = try #require(refusal(text))
        #expect(error.line == line, "\(error)")
        #expect(error.message.hasPrefix(message), "\(error)")
    }
}
