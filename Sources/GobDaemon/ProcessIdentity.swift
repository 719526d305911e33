/// A process as the kernel tells it apart from every other, also from a later process
/// given the same number: its PID and its start time (clock ticks after boot).
public struct ProcessIdentity: Sendable, Hashable {
    public var pid: Int32
    public var startTime: UInt64

    public init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }
}
