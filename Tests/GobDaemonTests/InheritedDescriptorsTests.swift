@testable import GobDaemon
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
}
