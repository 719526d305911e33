import GobClient
import GobProtocol
import Testing
@testable import GobTUI

@Suite("Update: daemon events, lists and replies")
struct UpdateEventTests {
    typealias F = TUIFixture

    @Test func startSubscribesThenListsOnAcknowledgement() {
        let model = F.fresh()
        #expect(Update.start(model) == [.subscribe(workdir: F.workdir)])
        let (next, effects) = F.apply(model, .subscribed)
        #expect(next.connection == .connected)
        #expect(effects == [.send(.list(workdir: F.workdir), .list(generation: 1))])
    }

    @Test func listReplySelectsFirstJobAndTailsItsLogs() {
        var model = F.apply(F.fresh(), .subscribed).model
        let jobs = F.jobs(3)
        let (next, effects) = F.apply(model, F.listReply(jobs, generation: 1))
        model = next
        #expect(model.jobs == jobs)
        #expect(model.selectedJob == jobs[0])
        #expect(effects == [
            .send(.runs(jobID: "J002", limit: Update.runLimit), .runs(jobID: "J002", generation: 1)),
            .tailLogs(LogSource(jobID: "J002", stdoutPath: "/rt/J002.stdout.log", stderrPath: "/rt/J002.stderr.log")),
        ])
    }

    @Test func staleListRepliesAreIgnored() {
        let model = F.loaded(F.jobs(2))
        let (next, _) = F.apply(model, .subscribed, F.listReply([], generation: 1))
        #expect(next.jobs.count == 2)
        #expect(next.eventsAwaitingList != nil)
    }

    @Test func failedListIsReported() {
        let model = F.apply(F.fresh(), .subscribed).model
        let (next, _) = F.apply(model, .replied(.list(generation: 1), .failure(.connect(cause: "boom"))))
        #expect(next.status?.text == "Failed to list jobs: failed to connect to daemon: boom")
        #expect(next.status?.isError == true)
    }

    @Test("job_added on an empty list selects the new job")
    func addedToEmptyList() {
        let (model, effects) = F.apply(F.loaded([]), F.event(.jobAdded, F.job("A")))
        #expect(model.cursor == 0)
        #expect(model.selectedJob?.id == "A")
        #expect(effects.contains(.tailLogs(LogSource(jobID: "A", stdoutPath: "/rt/A.stdout.log", stderrPath: "/rt/A.stderr.log"))))
    }

    @Test func addedJobIsPrependedAndSelectionKept() {
        var model = F.loaded([F.job("B"), F.job("A")])
        model = F.press(model, .down).model
        #expect(model.selectedJob?.id == "A")
        let (next, effects) = F.apply(model, F.event(.jobAdded, F.job("C")))
        #expect(next.jobs.map(\.id) == ["C", "B", "A"])
        #expect(next.selectedJob?.id == "A")
        #expect(!effects.contains { if case .tailLogs = $0 { true } else { false } })
    }

    @Test func duplicateAddReplacesInPlace() {
        let model = F.loaded([F.job("B"), F.job("A")])
        let next = F.apply(model, F.event(.jobAdded, F.job("A", pid: 7))).model
        #expect(next.jobs.map(\.id) == ["B", "A"])
        #expect(next.jobs[1].pid == 7)
    }

    @Test func stoppedAndStartedUpdateTheJob() {
        let model = F.loaded([F.job("A", pid: 10)])
        let stopped = F.apply(model, F.event(.jobStopped, F.job("A", pid: 10, status: .stopped))).model
        #expect(stopped.selectedJob?.status == .stopped)
        let (started, effects) = F.apply(stopped, F.event(.jobStarted, F.job("A", pid: 11)))
        #expect(started.selectedJob?.status == .running)
        #expect(started.selectedJob?.pid == 11)
        // A restart rewrote the selected job's logs: they are read again from the start.
        #expect(effects.contains(.tailLogs(LogSource(jobID: "A", stdoutPath: "/rt/A.stdout.log", stderrPath: "/rt/A.stderr.log"))))
    }

    @Test func readinessEventsUpdateTheJobWithoutRereadingItsLogs() {
        let model = F.loaded([F.job("A", pid: 10)])
        for kind in [JobEvent.Kind.jobReady, .jobReadyTimedOut] {
            var job = F.job("A", pid: 10)
            job.readiness = kind == .jobReady ? "ready" : "timed_out"
            let (next, effects) = F.apply(model, F.event(kind, job))
            #expect(next.selectedJob?.readiness == job.readiness, "\(kind)")
            #expect(!effects.contains { if case .tailLogs = $0 { true } else { false } }, "\(kind)")
        }
    }

    @Test func eventsForUnknownJobsOrOtherDirectoriesAreIgnored() {
        let model = F.loaded([F.job("A")])
        let next = F.apply(
            model, F.event(.jobStopped, F.job("X", status: .stopped)), F.event(.jobRemoved, F.job("Y")),
            F.event(.jobAdded, F.job("Z", workdir: "/elsewhere"))).model
        #expect(next.jobs == model.jobs)
    }

    @Test func removingKeepsTheCursorOnAnExistingJob() {
        var model = F.loaded([F.job("C"), F.job("B"), F.job("A")])
        model = F.press(model, .character("G")).model
        #expect(model.selectedJob?.id == "A")
        model = F.apply(model, F.event(.jobRemoved, F.job("A"))).model
        #expect(model.cursor == 1)
        #expect(model.selectedJob?.id == "B")
        model = F.apply(model, F.event(.jobRemoved, F.job("C"))).model
        #expect(model.selectedJob?.id == "B")
        model = F.apply(model, F.event(.jobRemoved, F.job("B"))).model
        #expect(model.jobs.isEmpty)
        #expect(model.cursor == 0)
        #expect(model.selectedJob == nil)
    }

    @Test func eventsDuringAListAreReplayedOnTopOfIt() {
        let model = F.apply(F.fresh(), .subscribed).model
        let (next, _) = F.apply(
            model,
            F.event(.jobAdded, F.job("B")),
            F.event(.jobStopped, F.job("A", status: .stopped)),
            F.listReply([F.job("A")], generation: 1))
        #expect(next.jobs.map(\.id) == ["B", "A"])
        #expect(next.jobs[1].status == .stopped)
        #expect(next.eventsAwaitingList == nil)
    }

    @Test func actionRepliesBecomeStatusMessages() {
        let model = F.loaded([F.job("A", pid: 42)])
        let job = F.job("A", pid: 43)
        let cases: [(Message, String, Bool)] = [
            (.replied(.stop(jobID: "A", pid: 42, force: false), .success(.ok([("pid", .int(42))]))), "Stopped PID 42", false),
            (.replied(.stop(jobID: "A", pid: 42, force: true), .success(.ok([("pid", .int(42))]))), "Killed PID 42", false),
            (.replied(.stop(jobID: "A", pid: 42, force: false), .success(.failure("job not found: A", code: .notFound))), "Failed to stop: job not found: A", true),
            (.replied(.restart(jobID: "A"), .success(.ok([("job", job.json)]))), "Restarted A (PID 43)", false),
            (.replied(.restart(jobID: "A"), .failure(.connect(cause: "x"))), "Failed to restart: failed to connect to daemon: x", true),
            (.replied(.remove(jobID: "A"), .success(.ok([("job_id", .string("A"))]))), "Removed A", false),
            (.replied(.remove(jobID: "A"), .success(.failure("cannot remove running job: A (use 'stop' first)", code: .alreadyRunning))),
             "Failed to remove: cannot remove running job: A (use 'stop' first)", true),
            (.replied(.add, .success(.ok([("job", job.json)]))), "Started A (PID 43)", false),
            (.replied(.add, .success(.failure("empty command", code: .invalidArgument))), "Failed to add: empty command", true),
            (.copied(error: nil), "Command copied to clipboard", false),
            (.copied(error: "no clipboard tool found (install xclip, xsel or wl-copy)"),
             "Failed to copy: no clipboard tool found (install xclip, xsel or wl-copy)", true),
        ]
        for (message, text, isError) in cases {
            let (next, effects) = F.apply(model, message)
            #expect(next.status?.text == text)
            #expect(next.status?.isError == isError)
            #expect(effects == [.expireStatus(serial: next.statusSerial, milliseconds: 3000)])
        }
    }

    @Test func statusMessagesExpireByTheirOwnTimer() {
        var model = F.loaded([F.job("A")])
        model = F.apply(model, .copied(error: nil)).model
        let first = model.statusSerial
        model = F.apply(model, .copied(error: "x")).model
        model = F.apply(model, .statusExpired(serial: first)).model
        #expect(model.status?.text == "Failed to copy: x")
        model = F.apply(model, .statusExpired(serial: model.statusSerial)).model
        #expect(model.status == nil)
    }

    @Test func lostSubscriptionReconnectsEverySecondAndRelists() {
        var model = F.loaded([F.job("A")])
        var effects: [Effect]
        (model, effects) = F.apply(model, .subscriptionLost("failed to decode event: EOF"))
        #expect(model.connection == .lost("failed to decode event: EOF"))
        #expect(effects == [.reconnect(milliseconds: 1000)])
        (model, effects) = F.apply(model, .reconnectDue)
        #expect(effects == [.subscribe(workdir: F.workdir)])
        (model, effects) = F.apply(model, .subscriptionFailed("failed to connect to daemon: refused"))
        #expect(model.status?.text == "Failed to connect: failed to connect to daemon: refused")
        #expect(effects.contains(.reconnect(milliseconds: 1000)))
        (model, effects) = F.apply(model, .reconnectDue, .subscribed)
        #expect(model.connection == .connected)
        #expect(model.status?.text == "Reconnected to the daemon")
        #expect(effects.contains(.send(.list(workdir: F.workdir), .list(generation: model.listGeneration))))
    }

    @Test func reconnectDueWhileConnectedDoesNothing() {
        let (_, effects) = F.apply(F.loaded([]), .reconnectDue)
        #expect(effects.isEmpty)
    }
}
