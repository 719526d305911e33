import GobProject
import GobProtocol
import TOMLKit

/// Reading a gobfile: TOML (TOMLKit) into a `Gobfile`, every fault with its file, line
/// and column. Only the daemon links this: clients ask it for the gobfile (the `gobfile`
/// request), so no client image carries a TOML parser or Foundation.
extension Gobfile {
    /// Reads the gobfile at `location`.
    public static func load(_ location: GobfileLocator.Location) throws(GobfileError) -> Gobfile {
        let contents = try GobfileReader.read(location.file)
        return try Gobfile(text: contents.bytes, location: location)
    }

    /// The gobfile governing `directory` (see `GobfileLocator`), read; nil when there is none.
    public static func governing(_ directory: OSString, home: OSString? = GobfileLocator.homeDirectory()) throws(GobfileError)
        -> Gobfile?
    {
        guard let location = GobfileLocator.locate(from: directory, home: home) else { return nil }
        return try load(location)
    }

    /// Parses `text`, the contents of the file at `location`.
    public init(text bytes: [UInt8], location: GobfileLocator.Location) throws(GobfileError) {
        let path = location.file.description
        let (root, text) = try Self.table(of: bytes, path: path)
        let lines = GobfileLines(text: text)
        var entries: [GobfileEntry] = []
        var warnings: [GobfileWarning] = []
        for key in root.keys.sorted() where key != "job" {
            warnings.append(GobfileWarning(
                path: path, line: lines.firstLine(ofKey: key) ?? 1,
                message: "unknown key \"\(key)\" (ignored; a gobfile holds [[job]] entries)"))
        }
        if let jobs = root["job"] {
            guard let array = jobs.array else {
                throw GobfileError(
                    path: path, line: lines.firstLine(ofKey: "job"), message: "\"job\" must be an array of tables ([[job]])")
            }
            var reader = EntryReader(path: path, root: location.root, lines: lines)
            for (index, element) in array.enumerated() {
                guard let table = element.table else {
                    throw GobfileError(path: path, line: lines.entryLine(index), message: "each job must be a table ([[job]])")
                }
                entries.append(try reader.entry(table, index: index))
            }
            warnings += reader.warnings
        }
        self.init(location: location, entries: entries, warnings: warnings)
        try checkNames(lines: lines)
    }

    /// Names are how entries are called on the command line: each must be unique.
    private func checkNames(lines: GobfileLines) throws(GobfileError) {
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            if let first = seen[entry.name] {
                throw GobfileError(
                    path: path, line: lines.line(ofKey: "name", inEntry: index),
                    message: "duplicate name \"\(entry.name)\" (the entry at line \(first) has it too); "
                        + "give each job a name of its own")
            }
            seen[entry.name] = entry.line
        }
    }

    /// Reads `bytes` (the file at `path`) as TOML: its root table and its text, or the
    /// error at the line and column TOMLKit names.
    static func table(of bytes: [UInt8], path: String) throws(GobfileError) -> (root: TOMLTable, text: String) {
        let text = try text(of: bytes, path: path)
        do {
            return (try TOMLTable(string: text), text)
        } catch let error as TOMLParseError {
            throw GobfileError(
                path: path, line: error.source.begin.line, column: error.source.begin.column,
                message: "invalid TOML: \(error.description)")
        } catch {
            throw GobfileError(path: path, message: "invalid TOML: \(error)")
        }
    }

    /// The file's bytes as text: UTF-8 without NUL bytes, as TOML requires (and a NUL
    /// would cut the parser's C string short).
    static func text(of bytes: [UInt8], path: String) throws(GobfileError) -> String {
        if let nul = bytes.firstIndex(of: 0) {
            let (line, column) = position(of: nul, in: bytes)
            throw GobfileError(path: path, line: line, column: column, message: "invalid TOML: a NUL byte")
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = position(of: firstInvalidUTF8(bytes), in: bytes)
            throw GobfileError(path: path, line: line, column: column, message: "invalid TOML: the file is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence.
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= bytes.count, String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
            else { return index }
            index += length
        }
        return max(0, bytes.count - 1)
    }

    private static func position(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return (line, offset - lineStart + 1)
    }
}
