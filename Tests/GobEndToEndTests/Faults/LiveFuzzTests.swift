import Foundation
import GobProtocol
import Testing

/// Mutated requests against a live daemon. Only mutations that cannot change
/// state are sent: anything that decodes to a request other than ping, list, get_job or
/// status is skipped, so the fuzzer never starts or stops anything.
@Suite("Fault: live protocol fuzzing", .endToEnd, .timeLimit(.minutes(4)))
struct LiveFuzzTests {
    @Test func aLiveDaemonSurvivesThousandsOfMutatedRequests() async throws {
        try await Sandbox.run { sandbox async throws in
            #expect(try await sandbox.daemonAnswers())
            let seeds = [#"{"type":"ping"}"#, #"{"type":"list","payload":{"workdir":"/x"}}"#,
                         #"{"type":"get_job","payload":{"job_id":"Vc5Ygdx"}}"#, #"{"type":"status"}"#]
            let socket = sandbox.paths.socket
            let (sent, answered) = await offThePool {
                var random = SplitMix(seed: 3)
                var sent = 0
                var answered = 0
                for round in 0..<2_000 {
                    var line = RequestMutator.mutate(Array(seeds[round % seeds.count].utf8), using: &random)
                    line.removeAll { $0 == 0x0A }
                    if let request = try? Request(line: line) {
                        switch request {
                        case .ping, .list, .getJob, .status: break
                        default: continue
                        }
                    }
                    sent += 1
                    let reply = RawConnection.exchange(socket: socket, sending: line + [0x0A])
                    if (try? JSON(parsing: reply)).flatMap(Response.init(json:)) != nil { answered += 1 }
                }
                return (sent, answered)
            }
            #expect(sent > 1_500)
            #expect(answered == sent, "every request got a response")
            #expect(try await sandbox.daemonAnswers())
            #expect(try await sandbox.listedJobs().isEmpty)
        }
    }
}
