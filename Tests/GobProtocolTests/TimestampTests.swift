import Glibc
import GobProtocol
import Testing

/// Serialized: the cases change the process's TZ, which every localtime call reads.
@Suite("Timestamps", .serialized)
struct TimestampTests {
    /// 2026-11-26T14:03:51Z.
    static let instant: Int64 = 1_795_701_831

    private func withTimeZone(_ zone: String, _ body: () -> Void) {
        let saved = getenv("TZ").map { String(cString: $0) }
        setenv("TZ", zone, 1)
        tzset()
        body()
        if let saved { setenv("TZ", saved, 1) } else { unsetenv("TZ") }
        tzset()
    }

    @Test func utc() {
        withTimeZone("UTC") {
            #expect(Timestamp.rfc3339(secondsSinceEpoch: Self.instant) == "2026-11-26T14:03:51Z")
        }
    }

    @Test func positiveOffset() {
        withTimeZone("IST-05:30") {
            #expect(Timestamp.rfc3339(secondsSinceEpoch: Self.instant) == "2026-11-26T19:33:51+05:30")
        }
    }

    @Test func negativeOffset() {
        withTimeZone("XST+03:30") {
            #expect(Timestamp.rfc3339(secondsSinceEpoch: Self.instant) == "2026-11-26T10:33:51-03:30")
        }
    }

    @Test func shapeOfNow() {
        let text = Timestamp.rfc3339(secondsSinceEpoch: Timestamp.nowNanoseconds() / 1_000_000_000)
        let bytes = Array(text.utf8)
        #expect(bytes.count == 20 || bytes.count == 25)
        #expect(bytes[4] == UInt8(ascii: "-") && bytes[10] == UInt8(ascii: "T") && bytes[13] == UInt8(ascii: ":"))
    }
}
