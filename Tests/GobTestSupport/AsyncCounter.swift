import Synchronization

/// A count that tasks can wait on: `wait(atLeast:)` ends the moment `increment` brings
/// it there. For fakes that report from threads of their own (a fake launcher's exits),
/// so a test waits for the report itself rather than polling for its effect.
public final class AsyncCounter: Sendable {
    private struct State {
        var value = 0
        var nextID = 0
        /// Waiters given up before they registered.
        var abandoned: Set<Int> = []
        var waiters: [(id: Int, target: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }

    private let state = Mutex(State())

    public init() {}

    public var value: Int { state.withLock { $0.value } }

    /// Adds one and wakes the waiters whose target it reached.
    public func increment() {
        let woken = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.value += 1
            let value = state.value
            let woken = state.waiters.filter { $0.target <= value }.map(\.continuation)
            state.waiters.removeAll { $0.target <= value }
            return woken
        }
        for continuation in woken { continuation.resume(returning: true) }
    }

    /// Waits until the count is at least `target`: true; false after `timeout`.
    public func wait(atLeast target: Int, timeout: Duration = Failsafe.wait) async -> Bool {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let answer = self.state.withLock { state -> Bool? in
                        if state.abandoned.remove(id) != nil { return false }
                        if state.value >= target { return true }
                        state.waiters.append((id, target, continuation))
                        return nil
                    }
                    if let answer { continuation.resume(returning: answer) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            if !first { self.abandon(id) }
            group.cancelAll()
            return first
        }
    }

    /// Resumes (with false) the waiter `id` that a timeout left behind.
    private func abandon(_ id: Int) {
        let left = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                state.abandoned.insert(id)
                return nil
            }
            return state.waiters.remove(at: index).continuation
        }
        left?.resume(returning: false)
    }
}
