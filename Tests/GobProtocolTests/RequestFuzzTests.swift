import GobProtocol
import GobTestSupport
import Testing

/// Feeds thousands of random and mutated lines to the request decoder: every
/// one is decoded or refused with a message; none crashes or hangs.
@Suite("Request decoder fuzzing")
struct RequestFuzzTests {
    static let seeds: [String] = [
        #"{"type":"ping"}"#,
        #"{"type":"add","payload":{"command":["sleep","5"],"workdir":"/w","env":["A=1"]}}"#,
        #"{"type":"stop","payload":{"job_id":"Vc5Ygdx","force":true}}"#,
        #"{"type":"signal","payload":{"job_id":"Vc5Ygdx","signal":15}}"#,
        #"{"type":"list","payload":{"workdir":"/home/me"}}"#,
        #"{"type":"subscribe"}"#,
    ]

    @Test func mutatedRequestsAreDecodedOrRefused() {
        var random = SplitMix(seed: 7)
        var decoded = 0
        var refused = 0
        for round in 0..<20_000 {
            let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
            let line = RequestMutator.mutate(seed, using: &random)
            do {
                let request = try Request(line: line)
                // Whatever decoded must encode and decode to itself.
                #expect(try Request(line: Array(request.json.compact.utf8)) == request)
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        #expect(decoded > 100 && refused > 100, "the fuzzer explores both sides: \(decoded) / \(refused)")
    }

    @Test func randomBytesAreRefused() {
        var random = SplitMix(seed: 11)
        var refused = 0
        for _ in 0..<5_000 {
            let line = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            do {
                let request = try Request(line: line)
                Issue.record("random bytes decoded as \(request): \(line)")
            } catch {
                #expect(!error.description.isEmpty, "refused with a message: \(line)")
                refused += 1
            }
        }
        #expect(refused == 5_000)
    }
}
