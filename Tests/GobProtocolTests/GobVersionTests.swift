import GobProtocol
import Testing

/// Which client upgrades which daemon: never a downgrade.
@Suite("GobVersion: upgrades")
struct GobVersionTests {
    @Test func releasesCompareByNumberThenRevision() {
        #expect(GobVersion.upgrades(daemon: "1.2.0/4", client: "1.3.0/4"))
        #expect(GobVersion.upgrades(daemon: "1.9.0/4", client: "1.10.0/4"))
        #expect(GobVersion.upgrades(daemon: "1.2/4", client: "1.2.1/4"))
        #expect(!GobVersion.upgrades(daemon: "1.3.0/4", client: "1.2.0/4"))
        #expect(!GobVersion.upgrades(daemon: "1.3.0/4", client: "1.3.0/4"))
        #expect(GobVersion.upgrades(daemon: "1.3.0/3", client: "1.3.0/4"))
    }

    @Test func developmentBuildsAreNewestAndCompareByRevision() {
        #expect(GobVersion.upgrades(daemon: "9.9.9/4", client: "dev/4"))
        #expect(!GobVersion.upgrades(daemon: "dev/4", client: "9.9.9/4"))
        #expect(GobVersion.upgrades(daemon: "dev/3", client: "dev/4"))
        #expect(!GobVersion.upgrades(daemon: "dev/4", client: "dev/3"))
        #expect(!GobVersion.upgrades(daemon: "dev/4", client: "dev/4"))
    }

    @Test func unreadableVersionsNeverUpgrade() {
        #expect(!GobVersion.upgrades(daemon: "garbage", client: "1.0.0/4"))
        #expect(!GobVersion.upgrades(daemon: "1.0.0/4", client: "1.x/4"))
    }
}
