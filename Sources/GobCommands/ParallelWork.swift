import Glibc
import GobProtocol
import Synchronization
import GobSystem

/// Runs blocking pieces of work side by side on threads of their own and waits for all:
/// `gob down` stops several jobs, each of which may take the whole stop grace, so one
/// slow job must not hold up the others. Swift's cooperative pool (two threads here)
/// would run only two at a time.
enum ParallelWork {
    /// The results of `work` on each element of `items`, in order. A piece that cannot
    /// get a thread of its own runs on the caller's.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ work: @escaping @Sendable (Item) -> Result
    ) -> [Result] {
        guard items.count > 1 else { return items.map(work) }
        let results = Mutex<[Int: Result]>([:])
        let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
        defer {
            sem_destroy(semaphore)
            semaphore.deallocate()
        }
        // The semaphore outlives every thread: the caller waits for each post below.
        nonisolated(unsafe) let shared = semaphore
        var started = 0
        for (index, item) in items.enumerated() {
            let launched = DetachedThread.start {
                let result = work(item)
                results.withLock { $0[index] = result }
                sem_post(shared)
            }
            if launched {
                started += 1
            } else {
                let result = work(item)
                results.withLock { $0[index] = result }
            }
        }
        for _ in 0..<started {
            while sem_wait(semaphore) != 0 && errno == EINTR {}
        }
        return results.withLock { results in items.indices.compactMap { results[$0] } }
    }
}
