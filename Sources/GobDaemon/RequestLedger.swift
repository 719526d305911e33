/// The replies to the latest requests that carried a `request_id`, so a client that sends
/// a request again (its connection ended before the reply) gets the first reply instead
/// of having the request carried out twice. A repeat that arrives while the first is
/// still being carried out waits for its reply. Bounded: the oldest finished entries are
/// forgotten first.
final class RequestLedger: Sendable {
    private enum Entry {
        case running
        case done([UInt8])
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Finished IDs, oldest first, for eviction.
        var order: [String] = []
    }

    /// What to do with a request.
    enum Claim: Equatable {
        /// Not seen before: carry it out, then `finish` it.
        case fresh
        /// Carried out already: send this reply again.
        case replay([UInt8])
    }

    private let state = ConditionLock(State())
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// Claims `id`, waiting while another connection is carrying out the same request.
    func claim(_ id: String) -> Claim {
        // Without a deadline the wait returns only with a value.
        state.wait { state -> Claim? in
            switch state.entries[id] {
            case nil:
                state.entries[id] = .running
                return .fresh
            case .running?:
                return nil
            case let .done(reply)?:
                return .replay(reply)
            }
        } ?? .fresh
    }

    /// Records the reply of a request claimed `.fresh`, and wakes any repeat waiting.
    func finish(_ id: String, reply: [UInt8]) {
        state.withLockBroadcasting { state in
            state.entries[id] = .done(reply)
            state.order.append(id)
            if state.order.count > capacity {
                let dropped = state.order.count - capacity
                for old in state.order.prefix(dropped) { state.entries[old] = nil }
                state.order.removeFirst(dropped)
            }
        }
    }
}
