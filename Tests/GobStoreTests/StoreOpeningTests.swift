import Foundation
import GobProtocol
@testable import GobStore
import GobTestSupport
import Testing

@Suite("Opening the state database")
struct StoreOpeningTests {
    @Test func anEmptyDirectoryGetsAFreshDatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Store.open(path: directory.path + "/state.db")
        #expect(try store.load().isEmpty)
    }
}
