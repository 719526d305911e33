import Dispatch
import Foundation
import GobProtocol
import GobSystem
import Synchronization

/// Many clients at once: `clients` threads released together, each sending `requests`
/// requests one after the other, one connection per request as the protocol has it.
struct ClientStorm {
    /// What the storm got back.
    struct Outcome {
        let answered: Int
        let failures: Int
        /// The first failure's text, if any.
        let firstError: String?
        let wallNanoseconds: Int64
    }

    /// The counts the threads share, under a mutex.
    private struct Tally {
        var answered = 0
        var failures = 0
        var firstError: String?
    }

    let socketPath: String
    let clients: Int
    let requests: Int
    let request: Request

    /// Runs the storm; throws when it has not finished after `timeout` seconds.
    func run(timeout: Double) throws(BenchError) -> Outcome {
        let tally = Mutex(Tally())
        let ready = DispatchGroup()
        let done = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let socketPath = self.socketPath
        let requests = self.requests
        let request = self.request
        for _ in 0..<clients {
            ready.enter()
            done.enter()
            Thread.detachNewThread {
                ready.leave()
                go.wait()
                for _ in 0..<requests {
                    do throws(BenchError) {
                        _ = try DaemonConnection.call(request, socketPath: socketPath)
                        tally.withLock { $0.answered += 1 }
                    } catch {
                        tally.withLock { tally in
                            tally.failures += 1
                            if tally.firstError == nil { tally.firstError = error.description }
                        }
                    }
                }
                done.leave()
            }
        }
        ready.wait()
        let start = MonotonicClock.now()
        for _ in 0..<clients { go.signal() }
        guard done.wait(timeout: .now() + timeout) == .success else {
            throw BenchError("\(clients) clients × \(requests) requests not done after \(Int(timeout)) s")
        }
        let wall = MonotonicClock.now() - start
        return tally.withLock { Outcome(answered: $0.answered, failures: $0.failures, firstError: $0.firstError, wallNanoseconds: wall) }
    }
}
