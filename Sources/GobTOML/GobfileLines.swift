/// Where things are in a gobfile's text, for messages that name a line. The TOML parser
/// reports positions only for syntax errors, not for the keys of a document it read, so
/// the lines of `[[job]]` headers and of keys are found here by a light scan: headers and
/// keys are recognised at the start of lines outside multi-line strings. An entry
/// written another way (an inline table) is placed at the nearest line known.
struct GobfileLines {
    /// Each line's text after leading blanks, or nil when the line begins inside a
    /// multi-line string (where nothing can be a header or a key).
    private var lines: [Substring?] = []
    /// Indices into `lines` of the `[[job]]` headers, in order.
    private(set) var entryHeaders: [Int] = []

    init(text: String) {
        var inMultiline: Character?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            lines.append(inMultiline == nil ? trimmed : nil)
            if inMultiline == nil, Self.isEntryHeader(trimmed) { entryHeaders.append(lines.count - 1) }
            inMultiline = Self.multilineState(after: raw, startingIn: inMultiline)
        }
    }

    /// The 1-based line of entry `index`'s header (the first line when unknown).
    func entryLine(_ index: Int) -> Int {
        entryHeaders.indices.contains(index) ? entryHeaders[index] + 1 : firstLine(ofKey: "job") ?? 1
    }

    /// The 1-based line where entry `index` sets `key`, or its header's line.
    func line(ofKey key: String, inEntry index: Int) -> Int {
        guard entryHeaders.indices.contains(index) else { return entryLine(index) }
        var position = entryHeaders[index] + 1
        while position < lines.count {
            if let line = lines[position] {
                if line.hasPrefix("[") { break }
                if Self.setsKey(line, key) { return position + 1 }
            }
            position += 1
        }
        return entryHeaders[index] + 1
    }

    /// The 1-based line where the top level sets `key` (`key = …` before any table, or a
    /// `[key]`/`[[key]]` header), if found.
    func firstLine(ofKey key: String) -> Int? {
        var inTable = false
        for (position, line) in lines.enumerated() {
            guard let line else { continue }
            if line.hasPrefix("[") {
                let name = line.drop { $0 == "[" || $0 == " " || $0 == "\t" }
                if Self.startsWithKey(name, key) { return position + 1 }
                inTable = true
            } else if !inTable, Self.setsKey(line, key) {
                return position + 1
            }
        }
        return nil
    }

    /// The 1-based line where the table `[table]` sets `key` (or `table.key = …` is
    /// written at the top level), else the table's header line, else the first line.
    func line(ofKey key: String, inTable table: String) -> Int {
        var inside = false
        for (position, line) in lines.enumerated() {
            guard let line else { continue }
            if line.hasPrefix("[") {
                let name = line.drop { $0 == "[" || $0 == " " || $0 == "\t" }
                inside = Self.startsWithKey(name, table)
            } else if inside, Self.setsKey(line, key) {
                return position + 1
            } else if !inside, Self.startsWithKey(line, table) {
                let rest = line.dropFirst(table.count).drop { $0 == " " || $0 == "\t" }
                if rest.first == ".", Self.setsKey(rest.dropFirst().drop { $0 == " " || $0 == "\t" }, key) {
                    return position + 1
                }
            }
        }
        return firstLine(ofKey: table) ?? 1
    }

    /// `[[job]]`, with any blanks or quotes TOML allows around the name.
    private static func isEntryHeader(_ line: Substring) -> Bool {
        guard line.hasPrefix("[[") else { return false }
        var name = line.dropFirst(2).drop { $0 == " " || $0 == "\t" }
        if name.hasPrefix("\"job\"") || name.hasPrefix("'job'") {
            name = name.dropFirst(5)
        } else if name.hasPrefix("job") {
            name = name.dropFirst(3)
        } else {
            return false
        }
        return name.drop { $0 == " " || $0 == "\t" }.hasPrefix("]]")
    }

    /// Whether `line` assigns `key` (bare or quoted), directly or as a dotted key.
    private static func setsKey(_ line: Substring, _ key: String) -> Bool {
        guard startsWithKey(line, key) else { return false }
        var rest = line.dropFirst(line.first == "\"" || line.first == "'" ? key.count + 2 : key.count)
        rest = rest.drop { $0 == " " || $0 == "\t" }
        return rest.first == "=" || rest.first == "."
    }

    private static func startsWithKey(_ text: Substring, _ key: String) -> Bool {
        if text.hasPrefix("\"" + key + "\"") || text.hasPrefix("'" + key + "'") { return true }
        guard text.hasPrefix(key) else { return false }
        guard let next = text.dropFirst(key.count).first else { return true }
        return !(next.isLetter || next.isNumber || next == "_" || next == "-")
    }

    /// Whether the text after `line` is inside a multi-line string (and which quote
    /// closes it), given the state at the line's start. Single-line strings and
    /// comments are skipped, so a `"""` inside them does not count.
    private static func multilineState(after line: Substring, startingIn state: Character?) -> Character? {
        let characters = Array(line)
        var index = 0
        var open = state
        while index < characters.count {
            let character = characters[index]
            if let quote = open {
                if character == "\\" && quote == "\"" {
                    index += 2
                    continue
                }
                if character == quote, index + 2 < characters.count, characters[index + 1] == quote,
                   characters[index + 2] == quote {
                    open = nil
                    index += 3
                    continue
                }
                index += 1
                continue
            }
            switch character {
            case "#":
                return nil
            case "\"", "'":
                if index + 2 < characters.count, characters[index + 1] == character, characters[index + 2] == character {
                    open = character
                    index += 3
                    continue
                }
                // A one-line string: skip to its end.
                index += 1
                while index < characters.count, characters[index] != character {
                    if character == "\"" && characters[index] == "\\" { index += 1 }
                    index += 1
                }
                index += 1
            default:
                index += 1
            }
        }
        return open
    }
}
