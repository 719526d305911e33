/// A counting semaphore for async tasks; waiters marked `first` go ahead of the others.
actor SlotPool {
    private let width: Int
    private var inUse = 0
    private var waiting: [(first: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    init(width: Int) { self.width = width }

    func acquire(first: Bool) async {
        if inUse < width {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append((first, $0)) }
    }

    func release() {
        guard !waiting.isEmpty else {
            inUse -= 1
            return
        }
        // The slot passes straight to the next waiter: `inUse` stays.
        let index = waiting.firstIndex { $0.first } ?? 0
        waiting.remove(at: index).continuation.resume()
    }
}

extension SlotPool {
    func acquire() async { await acquire(first: false) }
}
