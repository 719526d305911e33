import GobProject
import GobProtocol
import TOMLKit

/// Reads the `[[job]]` tables of one gobfile into entries: each key checked for its type
/// and value, with the line of the key in every message.
struct EntryReader {
    let path: String
    let root: OSString
    let lines: GobfileLines
    /// The keys an entry may have.
    static let keys: Set<String> = [
        "command", "description", "autostart", "blocked", "name", "dir", "env", "ready_log", "ready_port", "ready_timeout",
    ]
    /// Unknown keys met so far.
    private(set) var warnings: [GobfileWarning] = []

    init(path: String, root: OSString, lines: GobfileLines) {
        self.path = path
        self.root = root
        self.lines = lines
    }

    /// The entry of the `index`th `[[job]]` table.
    mutating func entry(_ table: TOMLTable, index: Int) throws(GobfileError) -> GobfileEntry {
        let header = lines.entryLine(index)
        for key in table.keys.sorted() where !Self.keys.contains(key) {
            warnings.append(GobfileWarning(
                path: path, line: lines.line(ofKey: key, inEntry: index),
                message: "unknown key \"\(key)\" in a [[job]] entry (ignored)"))
        }
        let place = Place(reader: self, index: index)
        let command = try self.command(table["command"], place: place)
        var entry = GobfileEntry(
            name: ShellWords.quote(byteWords: command.map(\.bytes)), command: command, workdir: root, line: header)
        if let name = try place.string(table, "name") { entry.name = try checked(name: name, place: place) }
        entry.description = try description(table, place: place)
        entry.autostart = try place.bool(table, "autostart") ?? false
        entry.blocked = try place.bool(table, "blocked") ?? false
        if let dir = try place.string(table, "dir") { entry.workdir = try workdir(dir, place: place) }
        entry.environment = try environment(table["env"], place: place)
        entry.ready = try readyRule(table, port: try readyPort(table["ready_port"], place: place), place: place)
        return entry
    }

    /// Where one entry's faults are reported.
    struct Place {
        let reader: EntryReader
        let index: Int

        func error(_ key: String, _ message: String) -> GobfileError {
            GobfileError(path: reader.path, line: reader.lines.line(ofKey: key, inEntry: index), message: message)
        }

        func string(_ table: TOMLTable, _ key: String) throws(GobfileError) -> String? {
            guard let value = table[key] else { return nil }
            guard let text = value.string else { throw error(key, "\"\(key)\" must be a string") }
            return text
        }

        func bool(_ table: TOMLTable, _ key: String) throws(GobfileError) -> Bool? {
            guard let value = table[key] else { return nil }
            guard let flag = value.bool else { throw error(key, "\"\(key)\" must be true or false") }
            return flag
        }
    }

    /// `command`: a string split as a shell would split it, or an array of strings.
    private func command(_ value: (any TOMLValueConvertible)?, place: Place) throws(GobfileError) -> [OSString] {
        guard let value else {
            throw GobfileError(path: path, line: lines.entryLine(place.index), message: "a job needs a \"command\"")
        }
        var words: [OSString] = []
        if let text = value.string {
            do {
                for word in try ShellWords.splitBytes(text) { words.append(OSString(bytes: word)) }
            } catch {
                throw place.error("command", "invalid command: \(error.description)")
            }
        } else if let array = value.array {
            for element in array {
                guard let word = element.string else {
                    throw place.error("command", "\"command\" must be a string or an array of strings")
                }
                words.append(OSString(word))
            }
        } else {
            throw place.error("command", "\"command\" must be a string or an array of strings")
        }
        guard let program = words.first, !program.isEmpty else { throw place.error("command", "empty command") }
        return words
    }

    /// A name: how the entry is called on the command line and shown in `gob up`.
    private func checked(name: String, place: Place) throws(GobfileError) -> String {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._:-".unicodeScalars.contains(scalar))
        }
        guard !name.isEmpty, name.count <= 32, allowed, !name.hasPrefix("-") else {
            throw place.error(
                "name", "invalid name \"\(name)\": up to 32 letters, digits, '.', '_', ':' or '-', not starting with '-'")
        }
        return name
    }

    /// One line of text, shown under the job by `gob list`.
    private func description(_ table: TOMLTable, place: Place) throws(GobfileError) -> String? {
        guard let text = try place.string(table, "description"), !text.isEmpty else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw place.error("description", "\"description\" must be one line of text, without control characters")
        }
        return text
    }

    /// `dir`, below the project root: a relative path that does not climb out of it, so
    /// the job's own directory finds this same gobfile (and its blocked commands).
    private func workdir(_ dir: String, place: Place) throws(GobfileError) -> OSString {
        let components = dir.split(separator: "/", omittingEmptySubsequences: true)
        guard !dir.hasPrefix("/"), !dir.isEmpty, !components.contains("..") else {
            throw place.error("dir", "invalid dir \"\(dir)\": a path relative to the project root, without \"..\"")
        }
        return GobfileLocator.normalized(GobfileLocator.join(root, dir))
    }

    /// `env`: a table of variable names and string values.
    private func environment(_ value: (any TOMLValueConvertible)?, place: Place) throws(GobfileError) -> [OSString] {
        guard let value else { return [] }
        guard let table = value.table else { throw place.error("env", "\"env\" must be a table of strings") }
        var entries: [OSString] = []
        for key in table.keys.sorted() {
            guard !key.isEmpty, !key.contains("=") else {
                throw place.error("env", "invalid variable name \"\(key)\" in \"env\"")
            }
            guard let text = table[key]?.string else {
                throw place.error("env", "the value of \"\(key)\" in \"env\" must be a string")
            }
            entries.append(OSString(key + "=" + text))
        }
        return entries
    }

    /// `ready_port`: a TCP port (1–65535), or `true` for any port; 0 stands for any.
    private func readyPort(_ value: (any TOMLValueConvertible)?, place: Place) throws(GobfileError) -> Int? {
        guard let value else { return nil }
        if let flag = value.bool {
            guard flag else { throw place.error("ready_port", "\"ready_port\" must be a port number or true") }
            return 0
        }
        guard let port = value.int, (1...65_535).contains(port) else {
            throw place.error("ready_port", "\"ready_port\" must be a port number (1-65535) or true")
        }
        return port
    }

    /// `ready_log`, the `ready_port` read before, and `ready_timeout` (a duration such as
    /// `90s`, or a number of seconds).
    private func readyRule(_ table: TOMLTable, port: Int?, place: Place) throws(GobfileError) -> ReadinessRule? {
        let log = try place.string(table, "ready_log")
        var timeout: Int64?
        if let value = table["ready_timeout"] {
            let text: String
            if let seconds = value.int {
                text = String(seconds)
            } else if let given = value.string {
                text = given
            } else {
                throw place.error("ready_timeout", "\"ready_timeout\" must be a duration such as \"90s\" or \"2m\"")
            }
            do throws(DurationSyntax.Problem) {
                timeout = try DurationSyntax.milliseconds(text)
            } catch {
                throw place.error("ready_timeout", "invalid ready_timeout \"\(text)\": \(error.description)")
            }
        }
        guard log != nil || port != nil else {
            if timeout != nil {
                throw place.error("ready_timeout", "\"ready_timeout\" needs \"ready_log\" or \"ready_port\"")
            }
            return nil
        }
        let rule = ReadinessRule(log: log, port: port, timeoutMilliseconds: timeout ?? ReadinessRule.defaultTimeoutMilliseconds)
        if let problem = ReadinessRule.problem(log: rule.log, port: rule.port, timeoutMilliseconds: rule.timeoutMilliseconds) {
            throw place.error("ready_log", problem)
        }
        return rule
    }
}
