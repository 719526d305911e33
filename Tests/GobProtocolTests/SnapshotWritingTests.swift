import GobProtocol
import Testing

/// `JobSnapshot.writeJSON` and `writeList` write what the JSON values (`json`,
/// `listJSON`) write, byte for byte, without building them.
@Suite("Snapshot writing without a JSON value")
struct SnapshotWritingTests {
    /// Snapshots with every optional field both set and unset, odd strings and numbers:
    /// the same set the list transcoder is held to.
    static let snapshots = JobListTranscoderTests.jobs

    @Test func writesWhatTheValuesWrite() {
        for snapshot in Self.snapshots {
            for (logPaths, value) in [(true, snapshot.json), (false, snapshot.listJSON)] {
                for (indent, level) in [(nil, 0), (2, 0), (2, 1), (4, 3)] as [(Int?, Int)] {
                    var expected: [UInt8] = []
                    value.write(into: &expected, indent: indent, level: level)
                    var written: [UInt8] = []
                    snapshot.writeJSON(into: &written, logPaths: logPaths, indent: indent, level: level)
                    #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
                }
            }
        }
    }

    @Test func listIsThePrettyArray() {
        for count in 0...Self.snapshots.count {
            let jobs = Array(Self.snapshots.prefix(count))
            var written: [UInt8] = []
            JobSnapshot.writeList(jobs, into: &written)
            #expect(String(decoding: written, as: UTF8.self) == JSON.array(jobs.map(\.listJSON)).pretty)
        }
    }

    @Test func snapshotsSurviveTheWire() throws {
        for snapshot in Self.snapshots {
            var written: [UInt8] = []
            snapshot.writeJSON(into: &written, logPaths: true, indent: nil, level: 0)
            #expect(JobSnapshot(json: try JSON(parsing: written)) == snapshot)
        }
    }

    @Test("integers", arguments: [Int64.min, Int64.min + 1, -10, -1, 0, 1, 9, 10, 99, 100, 1_234_567_890, Int64.max])
    func integers(value: Int64) throws {
        #expect(JSON.int(value).compact == String(value))
        #expect(try JSON(parsing: String(value)) == .int(value))
    }

    @Test func integersPastSixtyFourBitsAreDoubles() throws {
        #expect(try JSON(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSON(parsing: "-9223372036854775809") == .double(-9_223_372_036_854_775_808))
        #expect(try JSON(parsing: "99999999999999999999") == .double(1e20))
        #expect(try JSON(parsing: "-0") == .int(0))
    }

    @Test func stringsWithAndWithoutEscapesAndSlices() throws {
        #expect(try JSON(parsing: #""plain""#) == .string("plain"))
        #expect(try JSON(parsing: #""pre\nfix \u00e9 post""#) == .string("pre\nfix é post"))
        #expect(try JSON(parsing: Array(#"["a","b\"c"]"#.utf8)[...]) == .array([.string("a"), .string("b\"c")]))
        #expect(throws: JSONError("invalid character '\\x0a' in string literal")) { try JSON(parsing: "\"ab\ncd\"") }
        #expect(throws: JSONError("unexpected EOF")) { try JSON(parsing: #""abc"#) }
        #expect(try JSON(parsing: Array("\"\u{FF}\"".utf8)) == .string("\u{FF}"))
        #expect(try JSON(parsing: [0x22, 0xFF, 0x22]) == .bytes([0xFF]))
    }
}
