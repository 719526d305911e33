@testable import GobDaemon
import Testing
import GobSystem

@Suite("Wait status decoding")
struct ProcessEndTests {
    @Test(arguments: [
        (Int32(0), ProcessEnd.exited(0)), (3 << 8, .exited(3)), (255 << 8, .exited(255)),
        (9, .signaled(9)), (15, .signaled(15)), (0x80 | 11, .signaled(11)),
    ])
    func decodes(status: Int32, end: ProcessEnd) {
        #expect(ProcessEnd(waitStatus: status) == end)
    }
}
