import GobProject
import GobProtocol
import GobTOML
import Testing

/// What `gob-daemon --read-gobfile` tells the commands: every field of a parsed gobfile
/// survives the JSON line, and so does a fault with its place.
@Suite("Gobfile JSON")
struct GobfileJSONTests {
    static let location = GobfileLocator.Location(file: "/p/.config/gobfile.toml", root: "/p")

    /// Through the bytes of one line, as the commands read it.
    func roundTrip(_ result: Result<Gobfile?, GobfileError>) throws -> Result<Gobfile?, GobfileError>? {
        var line: [UInt8] = []
        GobfileAnswer.json(result).write(into: &line, indent: nil, level: 0)
        #expect(!line.contains(0x0A), "one line")
        return GobfileAnswer.result(try JSON(parsing: line))
    }

    @Test func everyFieldOfEveryEntrySurvives() throws {
        let gobfile = try Gobfile(text: Array("""
            surplus = 1
            [[job]]
            name = "web"
            command = ["npm", "run", "dev"]
            description = "the site"
            autostart = true
            dir = "site"
            env = { PORT = "3000" }
            ready_log = "listening on"
            ready_port = 3000
            ready_timeout = "2m"
            [[job]]
            command = "rm -rf /"
            blocked = true
            """.utf8), location: Self.location)
        #expect(gobfile.entries.count == 2 && gobfile.warnings.count == 1)
        #expect(try roundTrip(.success(gobfile)) == .success(gobfile))
    }

    @Test func aByteStringThatIsNotUTF8Survives() throws {
        let entry = GobfileEntry(
            name: "x", command: [OSString(bytes: [0x66, 0xFF, 0x6F])], workdir: OSString(bytes: [0x2F, 0xFE]),
            environment: [OSString(bytes: [0x41, 0x3D, 0xC3])])
        let gobfile = Gobfile(location: Self.location, entries: [entry], warnings: [])
        #expect(try roundTrip(.success(gobfile)) == .success(gobfile))
    }

    @Test func noGobfileAndAFaultSurvive() throws {
        #expect(try roundTrip(.success(nil)) == .success(nil))
        let fault = GobfileError(path: "/p/.config/gobfile.toml", line: 3, column: 7, message: "invalid TOML: x")
        #expect(try roundTrip(.failure(fault)) == .failure(fault))
        let unplaced = GobfileError(path: "/p/.config/gobfile.toml", message: "permission denied")
        #expect(try roundTrip(.failure(unplaced)) == .failure(unplaced))
    }

    @Test func whatIsNoAnswerIsNil() throws {
        for text in [#"{}"#, #"{"gobfile":{"file":"/a"}}"#, #"{"error":{"line":1}}"#, #"{"gobfile":{"file":"/a","root":"/","entries":[{"name":1}],"warnings":[]}}"#] {
            #expect(GobfileAnswer.result(try JSON(parsing: Array(text.utf8))) == nil, "\(text)")
        }
    }
}
