import Testing

/// One `SlotPool` of width 1 per parameterized test, so its cases run one at a time.
actor CaseLocks {
    private var locks: [Test.ID: SlotPool] = [:]

    func lock(for id: Test.ID) -> SlotPool {
        if let lock = locks[id] { return lock }
        let lock = SlotPool(width: 1)
        locks[id] = lock
        return lock
    }
}
