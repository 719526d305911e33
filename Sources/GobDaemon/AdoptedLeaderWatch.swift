import Glibc
import GobSystem

/// Learns when adopted job leaders end. They are not the daemon's children (their parent
/// died with the daemon that started them), so no `waitpid` reports them: one thread
/// sleeps in `poll` on their pidfds, which become readable when the process ends. Only
/// leaders without a pidfd (kernels before Linux 5.3) are looked at once a second, by
/// their start time. The thread ends when the last leader has.
final class AdoptedLeaderWatch: Sendable {
    /// How often leaders without a pidfd are looked at.
    static let pollMilliseconds: Int32 = 1_000

    private let leaders: [AdoptedLeader]
    private let onEnd: @Sendable (AdoptedLeader) -> Void

    /// `onEnd` is called once for each leader, on the watch's thread, when it has ended.
    init(_ leaders: [AdoptedLeader], onEnd: @escaping @Sendable (AdoptedLeader) -> Void) {
        self.leaders = leaders
        self.onEnd = onEnd
    }

    /// Starts the watching thread (none when there is nothing to watch); false when no
    /// thread could be started.
    func start() -> Bool {
        guard !leaders.isEmpty else { return true }
        return DetachedThread.start { [self] in watch() }
    }

    private func watch() {
        var remaining = leaders
        while !remaining.isEmpty {
            var pollers = remaining.compactMap { leader in
                leader.handle.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            }
            let polling = pollers.count < remaining.count
            let ready = poll(&pollers, nfds_t(pollers.count), polling ? Self.pollMilliseconds : -1)
            if ready < 0 && errno != EINTR { return }
            var ended: Set<Int32> = []
            for poller in pollers where poller.revents != 0 { ended.insert(poller.fd) }
            var still: [AdoptedLeader] = []
            for leader in remaining {
                let gone = if let handle = leader.handle {
                    ended.contains(handle.descriptor)
                } else {
                    !AdoptedLeader.isAlive(leader.pid, startTime: leader.startTime)
                }
                if gone { onEnd(leader) } else { still.append(leader) }
            }
            remaining = still
        }
    }
}
