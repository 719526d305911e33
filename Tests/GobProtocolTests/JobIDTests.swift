import GobProtocol
import Testing

@Suite("Job IDs")
struct JobIDTests {
    @Test func decodesTheObservedID() {
        // `Vc5Ygdx` was observed for a job created at 2026-11-26T14:14:59Z (§2.16).
        #expect(JobID.decode("Vc5Ygdx") == 1_795_702_499_477)
        #expect(JobID.encode(milliseconds: 1_795_702_499_477) == "Vc5Ygdx")
    }

    @Test func currentTimesGiveSevenAlphanumerics() {
        let now = Timestamp.nowNanoseconds() / 1_000_000
        let id = JobID.encode(milliseconds: now)
        #expect(id.count == 7)
        #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(JobID.decode(id) == now)
    }

    @Test func sevenCharactersFromLate1971To2081() {
        let sixDigitsMax: Int64 = 56_800_235_583  // 62^6 - 1
        #expect(JobID.encode(milliseconds: sixDigitsMax) == "zzzzzz")
        #expect(JobID.encode(milliseconds: sixDigitsMax + 1) == "1000000")
        #expect(JobID.encode(milliseconds: 3_521_614_606_207) == "zzzzzzz")  // 62^7 - 1, in 2081
    }

    @Test func encodeEdgeCases() {
        #expect(JobID.encode(milliseconds: 0) == "0")
        #expect(JobID.encode(milliseconds: 61) == "z")
        #expect(JobID.encode(milliseconds: 62) == "10")
    }

    @Test func decodeRefusesNonBase62() {
        #expect(JobID.decode("") == nil)
        #expect(JobID.decode("abc-def") == nil)
        #expect(JobID.decode("ñ") == nil)
        #expect(JobID.decode(String(repeating: "z", count: 20)) == nil)
    }

    @Test func equalLengthIDsSortChronologically() {
        let base: Int64 = 1_795_702_499_477
        let ids = (0..<500).map { JobID.encode(milliseconds: base + Int64($0) * 977) }
        #expect(ids == ids.sorted())
    }

    @Test("a burst in one millisecond still gives unique, ordered IDs (D7)")
    func uniqueUnderBurst() {
        var taken: Set<String> = []
        var issued: [String] = []
        let now: Int64 = 1_795_702_499_477
        var consistent = true
        for _ in 0..<300 {
            let (id, value) = JobID.unique(milliseconds: now, isTaken: { taken.contains($0) })
            consistent = consistent && JobID.encode(milliseconds: value) == id
            taken.insert(id)
            issued.append(id)
        }
        #expect(consistent)
        #expect(Set(issued).count == 300)
        #expect(issued == issued.sorted())
        #expect(issued.first == JobID.encode(milliseconds: now))
    }
}
