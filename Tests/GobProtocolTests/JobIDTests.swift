import GobProtocol
import GobTestSupport
import Testing

@Suite("Job IDs")
struct JobIDTests {
    static func isShortAlphabet(_ id: String) -> Bool {
        id.utf8.allSatisfy { JobID.alphabet.contains($0) }
    }

    @Test func newIDsAreThreeLowercaseLettersOrDigits() {
        for _ in 0..<1000 {
            let id = JobID.unique { _ in false }
            #expect(id.utf8.count == 3)
            #expect(Self.isShortAlphabet(id), "\(id)")
        }
    }

    @Test("IDs come from the system's random source: 1,000 draws are mostly different")
    func drawsDiffer() {
        let ids = (0..<1000).map { _ in JobID.unique { _ in false } }
        // 1,000 draws from 46,656 repeat about 11 times by the birthday bound.
        #expect(Set(ids).count > 950)
    }

    @Test func neverAnIDThatIsTaken() {
        var taken: Set<String> = []
        for _ in 0..<5000 {
            let id = JobID.unique { taken.contains($0) }
            #expect(!taken.contains(id))
            taken.insert(id)
        }
        #expect(taken.count == 5000)
    }

    @Test("eight taken draws at a length move on to the next length")
    func crowdedShortIDsGrow() {
        var generator = SplitMix(seed: 0x9E37_79B9_7F4A_7C15)
        var replay = generator
        // Everything of 3 characters is taken: the 9th draw is the first of 4 characters.
        var asked: [String] = []
        let id = JobID.unique(isTaken: { asked.append($0); return $0.utf8.count == 3 }, using: &generator)
        #expect(id.utf8.count == 4)
        #expect(Self.isShortAlphabet(id))
        #expect(asked.count == JobID.drawsPerLength + 1)
        #expect(asked.prefix(JobID.drawsPerLength).allSatisfy { $0.utf8.count == 3 })

        // Seven taken draws are not yet crowded: the eighth, free, still has 3 characters.
        var draws = 0
        let short = JobID.unique(isTaken: { _ in draws += 1; return draws < JobID.drawsPerLength }, using: &replay)
        #expect(short.utf8.count == 3)
        #expect(short == asked[JobID.drawsPerLength - 1])
    }

    @Test func lengthsKeepGrowingWhileCrowded() {
        let id = JobID.unique { $0.utf8.count < 6 }
        #expect(id.utf8.count == 6)
    }

    @Test("log files of old and new IDs are recognised")
    func oldAndNewIDsAreRecognised() {
        // `Vc5Ygdx` was observed for a job created at 2026-11-26T14:14:59Z by an earlier gob.
        #expect(JobID.decode("Vc5Ygdx") == 1_795_702_499_477)
        for id in ["k3f", "000", "zzz", "a1b2", JobID.unique { _ in false }] {
            #expect(JobID.decode(id) != nil, "\(id)")
            #expect(RuntimePaths.jobID(ofLogFile: id + ".stdout.log") == id)
            #expect(RuntimePaths.jobID(ofLogFile: id + ".stderr.log") == id)
        }
    }

    @Test func decodeRefusesNonBase62() {
        #expect(JobID.decode("") == nil)
        #expect(JobID.decode("abc-def") == nil)
        #expect(JobID.decode("ñ") == nil)
        #expect(JobID.decode(String(repeating: "z", count: 20)) == nil)
    }
}
