import GobProtocol
import GobStore
import GobSystem

/// Turns the jobs a starting daemon reads back from the store into its job table, on a
/// thread of its own while the starting thread goes on reading rows.
///
/// With a thousand jobs, reading the rows and making jobs of them took about as long as
/// each other, one after the other, while the client that started the daemon waited
/// and the machine's second core idled. Rows are handed over in batches: one lock and
/// one wake-up per batch, not per row.
final class JobTableBuilder: Sendable {
    private struct State {
        var batches: [[LoadedJob]] = []
        /// Every row was handed over.
        var finished = false
        /// The built table, once the thread is done.
        var built: Built?
    }

    /// The job table and the highest sequence number in it (nil when it is empty).
    struct Built {
        var table: [String: Job]
        var highestSequence: UInt64?
    }

    /// How many rows go over at a time.
    static let batchSize = 64

    private let state = ConditionLock(State())
    private let paths: RuntimePaths
    private let environment: [OSString]
    private let expected: Int

    /// - Parameters:
    ///   - paths: where the jobs' `<rt>` links are.
    ///   - environment: what a job read back starts with until a client starts it.
    ///   - expected: how many jobs there are, so the table is sized once.
    init(paths: RuntimePaths, environment: [OSString], expected: Int) {
        self.paths = paths
        self.environment = environment
        self.expected = expected
    }

    /// Starts the building thread; false when none could be made (`finish` then builds
    /// the table itself).
    func start() -> Bool {
        DetachedThread.start { [self] in
            let built = build(taking: { () -> (batches: [[LoadedJob]], last: Bool) in
                state.wait { state in
                    guard !state.batches.isEmpty || state.finished else { return nil }
                    let batches = state.batches
                    state.batches = []
                    return (batches, state.finished)
                } ?? ([], true)
            })
            state.withLockBroadcasting { $0.built = built }
        }
    }

    /// Hands rows over.
    func add(_ batch: [LoadedJob]) {
        guard !batch.isEmpty else { return }
        state.withLockBroadcasting { $0.batches.append(batch) }
    }

    /// Says every row was handed over and returns the table: the thread's, waited for,
    /// or built here when `threaded` is false.
    func finish(threaded: Bool) -> Built {
        guard threaded else {
            let batches = state.withLock { state in
                defer { state.batches = [] }
                return state.batches
            }
            return build(taking: { (batches, true) })
        }
        state.withLockBroadcasting { $0.finished = true }
        return state.wait { state in
            defer { state.built = nil }
            return state.built
        } ?? Built(table: [:], highestSequence: nil)
    }

    /// Makes jobs of the batches `next` returns until it says they were the last.
    private func build(taking next: () -> (batches: [[LoadedJob]], last: Bool)) -> Built {
        var table: [String: Job] = [:]
        table.reserveCapacity(expected)
        var highest: UInt64?
        while true {
            let (batches, last) = next()
            for batch in batches {
                for loaded in batch {
                    let job = Job(loaded: loaded, paths: paths, environment: environment)
                    highest = max(highest ?? job.sequence, job.sequence)
                    table[job.id] = job
                }
            }
            if last { return Built(table: table, highestSequence: highest) }
        }
    }
}
