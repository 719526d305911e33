import GobProject
import GobProtocol
import GobTOML
import Synchronization

/// The daemon's check that no start runs a command its project's gobfile blocks
/// (`blocked = true`). It sits in the daemon, on every start path (`add`, `run`, `start`,
/// `restart`, and so the TUI and `gob up`), so no client can skip it; it reads the
/// gobfile of the job's own working directory, as `GobfileLocator` finds it.
///
/// Parsed files are kept by path with the identity of the version read (device, inode,
/// size, change times): a start costs a few `stat` calls up the directory tree, and a
/// file is parsed again only when it changed. The caller never holds the job table's
/// lock: this reads files, and a hung mount must stall only the start that needs it.
final class BlockedCommands: Sendable {
    /// A file as last read: the version, and what it said (or why it could not be read).
    private struct Cached {
        let identity: GobfileReader.Identity
        let gobfile: Result<Gobfile, GobfileError>
    }

    /// Files kept at most: one per project in use, far fewer than this.
    static let cacheLimit = 64

    private let cache = Mutex<[OSString: Cached]>([:])
    /// How many times a gobfile was read and parsed: what the cache saves, for tests.
    private let reads = Mutex(0)
    /// The search's upper bound besides a repository root (`$HOME`).
    private let home: OSString?

    init(home: OSString?) {
        self.home = home
    }

    /// Throws `blocked` when the gobfile governing `workdir` blocks `command`, or when
    /// that gobfile cannot be read: what it blocks is then unknown, and a start it might
    /// forbid must not slip through while the file is broken.
    func check(command: [OSString], workdir: OSString) throws(SupervisorError) {
        guard let location = GobfileLocator.locate(from: workdir, home: home) else { return }
        switch gobfile(at: location) {
        case let .success(gobfile):
            if let entry = gobfile.blockingEntry(for: command) {
                throw SupervisorError(Gobfile.blockedMessage(entry), code: .blocked)
            }
        case let .failure(error):
            throw SupervisorError(
                "cannot start: \(error.description) (the gobfile must be fixed first: "
                    + "until then gob cannot tell which commands it blocks)", code: .blocked)
        }
    }

    /// How many times a gobfile was read so far.
    var readCount: Int { reads.withLock { $0 } }

    /// The gobfile at `location`, parsed again only when its identity changed.
    private func gobfile(at location: GobfileLocator.Location) -> Result<Gobfile, GobfileError> {
        let identity = GobfileReader.identity(of: location.file)
        if let identity, let kept = cache.withLock({ $0[location.file] }), kept.identity == identity {
            return kept.gobfile
        }
        let result: Result<Gobfile, GobfileError>
        var read: GobfileReader.Identity?
        reads.withLock { $0 += 1 }
        do throws(GobfileError) {
            let contents = try GobfileReader.read(location.file)
            read = contents.identity
            result = .success(try Gobfile(text: contents.bytes, location: location))
        } catch {
            // A file that could not be read is not kept: the next start tries again. One
            // that could be read but is wrong stays wrong until it changes.
            result = .failure(error)
        }
        if let read {
            cache.withLock { cache in
                if cache.count >= Self.cacheLimit, cache[location.file] == nil { cache.removeAll() }
                cache[location.file] = Cached(identity: read, gobfile: result)
            }
        }
        return result
    }
}
