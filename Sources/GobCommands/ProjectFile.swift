import GobClient
import GobProject
import GobProtocol

/// The gobfile of the current directory for `gob up` and `gob down`: found and read, its
/// warnings printed on stderr, its faults turned into the command's error.
enum ProjectFile {
    /// The gobfile governing the current directory; an error when there is none.
    static func load() throws(CommandFailure) -> Gobfile {
        let workdir = try DaemonSession.workingDirectory()
        let gobfile: Gobfile?
        switch GobfileQuery.governing(workdir) {
        case let .success(found): gobfile = found
        case let .failure(error): throw .invalid(error.description)
        }
        guard let gobfile else {
            throw .invalid(
                "no \(GobfileLocator.relativePath) here or in a parent directory "
                    + "(the search stops at the repository root or $HOME); docs/gobfile.md describes the file")
        }
        for warning in gobfile.warnings { Console.error(warning.description + "\n") }
        return gobfile
    }

    /// The entries `names` call, in the order given (each once); an error names the first
    /// name that is no entry of `gobfile`.
    static func entries(named names: [String], in gobfile: Gobfile) throws(CommandFailure) -> [GobfileEntry] {
        var chosen: [GobfileEntry] = []
        for name in names where !chosen.contains(where: { $0.name == name }) {
            guard let entry = gobfile.entry(named: name) else {
                let known = gobfile.entries.filter { !$0.blocked }.map(\.name)
                let list = known.isEmpty ? "it has none" : "its entries: " + known.joined(separator: ", ")
                throw .invalid("no entry named \"\(name)\" in \(gobfile.path) (\(list))")
            }
            chosen.append(entry)
        }
        return chosen
    }

    /// Whether `job` came from an entry of `gobfile`: it carries an entry name and runs in
    /// a directory this same gobfile governs.
    static func isFromGobfile(_ job: JobSnapshot, _ gobfile: Gobfile) -> Bool {
        guard job.gobfileName != nil, GobfileLocator.isWithin(job.workdir, root: gobfile.location.root) else { return false }
        return GobfileLocator.locate(from: job.workdir, home: GobfileLocator.homeDirectory()) == gobfile.location
    }

    /// Name and status columns: each name padded to the longest one.
    static func line(name: String, width: Int, _ rest: String) -> String {
        name + String(repeating: " ", count: max(0, width - name.count)) + "  " + rest
    }
}
