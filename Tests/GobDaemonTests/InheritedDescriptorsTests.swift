import Glibc
@testable import GobDaemon
import GobSystem
import Testing

/// What an in-place restart names to the new image in `GOB_DAEMON_INHERIT`.
@Suite("Inherited descriptors")
struct InheritedDescriptorsTests {
    @Test func theClientToAnswerIsNamedWhenThereIsOne() throws {
        let asked = InheritedDescriptors(listen: 3, pidLock: 4, stateLock: 5, reply: 6)
        #expect(asked.encoded == "listen=3,pid=4,state=5,reply=6")
        #expect(InheritedDescriptors(encoded: asked.encoded) == asked)
        // A restart of the daemon's own accord answers no one.
        let own = InheritedDescriptors(listen: 3, pidLock: 4, stateLock: 5, reply: nil)
        #expect(own.encoded == "listen=3,pid=4,state=5")
        #expect(InheritedDescriptors(encoded: own.encoded) == own)
        #expect(own.all == [3, 4, 5])
    }

    @Test func aValueThatNamesTooLittleOrOneDescriptorTwiceIsRefused() {
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4") == nil)
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=4") == nil)
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,reply=3") == nil)
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,reply=x") == nil)
        #expect(InheritedDescriptors(encoded: "listen=1,pid=4,state=5") == nil, "0–2 are never inherited")
    }

    @Test func thePreviousImagesInotifyInstancesAreNamedForClosing() {
        var inherited = InheritedDescriptors(listen: 3, pidLock: 4, stateLock: 5, reply: 6)
        inherited.released = [9, 12]
        #expect(inherited.encoded == "listen=3,pid=4,state=5,reply=6,released=9.12")
        #expect(InheritedDescriptors(encoded: inherited.encoded) == inherited)
        #expect(inherited.all == [3, 4, 5, 6, 9, 12])
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,released=6.4") == nil, "each named once")
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,released=6.x") == nil)
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,released=6..7") == nil)
        #expect(InheritedDescriptors(encoded: "listen=3,pid=4,state=5,released=2") == nil)
    }

    /// Only an inotify instance is taken for one: a stale number that names another
    /// descriptor of the new image must not be closed.
    @Test func onlyAnInotifyInstanceCountsAsReleased() throws {
        let inotify = InotifyInstances.make()
        try #require(inotify >= 0)
        defer { InotifyInstances.close(inotify) }
        let file = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(file >= 0)
        defer { Descriptor.close(file) }
        #expect(InheritedDescriptors.isInotifyInstance(inotify))
        #expect(!InheritedDescriptors.isInotifyInstance(file))
        #expect(!InheritedDescriptors.isInotifyInstance(9_999))
    }
}
