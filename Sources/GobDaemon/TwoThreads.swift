import GobSystem

/// Work over many items split between the calling thread and one more: the first half
/// here, the second on a thread of its own, the results in the items' order. Fewer than
/// `minimum` items, or no thread to be had, and all of it is done here. For `/proc`
/// reads that take a lookup or a start-up a few milliseconds while the second CPU idles.
enum TwoThreads {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], minimum: Int, _ transform: @escaping @Sendable (ArraySlice<Item>) -> [Result]
    ) -> [Result] {
        guard items.count >= minimum else { return transform(items[...]) }
        let half = items.count / 2
        let tail = Array(items[half...])
        let second = ConditionLock<[Result]?>(nil)
        guard DetachedThread.start(stackSize: 256 * 1024, { second.withLockBroadcasting { $0 = transform(tail[...]) } }) else {
            return transform(items[...])
        }
        let first = transform(items[..<half])
        return first + (second.wait { $0 } ?? [])
    }
}
