import GobProtocol

/// A gobfile as the daemon sends it to clients (the `gobfile` request, docs/protocol.md):
/// the daemon parses gobfiles, clients only read this JSON, so no client links a TOML
/// parser. Every field of `Gobfile`, `GobfileEntry` and `GobfileWarning` is carried, so a
/// received gobfile equals the parsed one.
extension Gobfile {
    public var json: JSON {
        .object([
            ("file", JSON(location.file)), ("root", JSON(location.root)),
            ("entries", .array(entries.map(\.json))), ("warnings", .array(warnings.map(\.json))),
        ])
    }

    /// The gobfile in `json`; nil when it is not one (a daemon of another build).
    public init?(json: JSON) {
        guard let file = json["file"]?.osStringValue, let root = json["root"]?.osStringValue,
              let entryValues = json["entries"]?.arrayValue, let warningValues = json["warnings"]?.arrayValue
        else { return nil }
        var entries: [GobfileEntry] = []
        for value in entryValues {
            guard let entry = GobfileEntry(json: value) else { return nil }
            entries.append(entry)
        }
        var warnings: [GobfileWarning] = []
        for value in warningValues {
            guard let path = value["path"]?.stringValue, let line = value["line"]?.intValue.flatMap(Int.init(exactly:)),
                  let message = value["message"]?.stringValue
            else { return nil }
            warnings.append(GobfileWarning(path: path, line: line, message: message))
        }
        self.init(location: GobfileLocator.Location(file: file, root: root), entries: entries, warnings: warnings)
    }
}

extension GobfileEntry {
    var json: JSON {
        var members: [(String, JSON)] = [
            ("name", .string(name)), ("command", .array(command.map(JSON.init))),
            ("autostart", .bool(autostart)), ("blocked", .bool(blocked)), ("workdir", JSON(workdir)),
            ("env", .array(environment.map(JSON.init))), ("line", .int(Int64(line))),
        ]
        if let description { members.append(("description", .string(description))) }
        if let ready { members += ready.members }
        return .object(members)
    }

    init?(json: JSON) {
        guard let name = json["name"]?.stringValue, let command = Self.words(json["command"]),
              let autostart = json["autostart"]?.boolValue, let blocked = json["blocked"]?.boolValue,
              let workdir = json["workdir"]?.osStringValue, let environment = Self.words(json["env"]),
              let line = json["line"]?.intValue.flatMap(Int.init(exactly:))
        else { return nil }
        let description = json["description"]?.stringValue
        var ready: ReadinessRule?
        if let timeout = json["ready_timeout_ms"]?.intValue {
            ready = ReadinessRule(
                log: json["ready_log"]?.stringValue, port: json["ready_port"]?.intValue.flatMap(Int.init(exactly:)),
                timeoutMilliseconds: timeout)
        }
        self.init(
            name: name, command: command, description: description, autostart: autostart, blocked: blocked,
            workdir: workdir, environment: environment, ready: ready, line: line)
    }

    private static func words(_ value: JSON?) -> [OSString]? {
        guard let elements = value?.arrayValue else { return nil }
        var words: [OSString] = []
        for element in elements {
            guard let word = element.osStringValue else { return nil }
            words.append(word)
        }
        return words
    }
}

extension GobfileWarning {
    var json: JSON {
        .object([("path", .string(path)), ("line", .int(Int64(line))), ("message", .string(message))])
    }
}

extension GobfileError {
    var json: JSON {
        var members: [(String, JSON)] = [("path", .string(path)), ("message", .string(message))]
        if let line { members.append(("line", .int(Int64(line)))) }
        if let column { members.append(("column", .int(Int64(column)))) }
        return .object(members)
    }

    init?(json: JSON) {
        guard let path = json["path"]?.stringValue, let message = json["message"]?.stringValue else { return nil }
        self.init(
            path: path, line: json["line"]?.intValue.flatMap(Int.init(exactly:)),
            column: json["column"]?.intValue.flatMap(Int.init(exactly:)), message: message)
    }
}

/// What reading a gobfile came to, as one JSON line: `{"gobfile":{…}}`,
/// `{"gobfile":null}` when no gobfile governs the directory, or `{"error":{…}}` with the
/// fault's file, line, column and message. `gob-daemon --read-gobfile <dir>` prints it
/// for the commands, which link no TOML parser (docs/gobfile.md).
public enum GobfileAnswer {
    public static func json(_ result: Result<Gobfile?, GobfileError>) -> JSON {
        switch result {
        case let .success(gobfile): .object([("gobfile", gobfile?.json ?? .null)])
        case let .failure(error): .object([("error", error.json)])
        }
    }

    /// The result `json` holds; nil when it holds none.
    public static func result(_ json: JSON) -> Result<Gobfile?, GobfileError>? {
        if let error = json["error"] { return GobfileError(json: error).map { .failure($0) } }
        guard let value = json["gobfile"] else { return nil }
        if value.isNull { return .success(nil) }
        return Gobfile(json: value).map { .success($0) }
    }
}
