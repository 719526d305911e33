/// A deterministic xorshift generator, so randomized tests see the same inputs every run.
enum TestRandom {
    /// The next number from `state` (which must not be 0), advancing it.
    static func next(_ state: inout UInt64) -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
