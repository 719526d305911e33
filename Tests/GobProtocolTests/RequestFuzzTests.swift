import GobProtocol
import Testing

/// Feeds thousands of random and mutated lines to the request decoder (issue 7): every
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

    /// A deterministic generator so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix) -> [UInt8] {
        var bytes = bytes
        let interesting: [UInt8] = Array(#"{}[]",:\"0123456789-.eE truefalsenull"#.utf8) + [0x00, 0x0A, 0xFF, 0xC3, 0x80]
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            guard !bytes.isEmpty else { bytes.append(interesting.randomElement(using: &random) ?? 0); continue }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] = interesting.randomElement(using: &random) ?? 0
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(interesting.randomElement(using: &random) ?? 0, at: at)
            case 3: bytes = Array(bytes[..<at])
            default: bytes.insert(contentsOf: bytes[at...].prefix(16), at: at)
            }
        }
        return bytes
    }

    @Test func mutatedRequestsAreDecodedOrRefused() {
        var random = SplitMix(state: 7)
        var decoded = 0
        var refused = 0
        for round in 0..<20_000 {
            let seed = Array(Self.seeds[round % Self.seeds.count].utf8)
            let line = Self.mutate(seed, using: &random)
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
        var random = SplitMix(state: 11)
        for _ in 0..<5_000 {
            let line = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? Request(line: line)
        }
    }
}
