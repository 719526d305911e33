import GobClient

/// A subscription opened on a work thread, on its way to the event loop. `generation`
/// tells the loop whether it is still the one it asked for (`a` may have asked for
/// another scope meanwhile); a stale one is dropped, which closes it.
final class OpenedSubscription: @unchecked Sendable {
    // @unchecked: the work thread creates it and lets go of it; from then on only the
    // event loop touches it, after the hand-off through BackgroundWork's lock.
    let generation: Int
    let stream: EventStream?

    init(generation: Int, stream: EventStream?) {
        self.generation = generation
        self.stream = stream
    }
}
