import Glibc
import Foundation
import Testing

/// Runs the tests that start daemons and jobs a few at a time, however many Swift
/// Testing would run at once.
///
/// Apply `.endToEnd` to a suite (it applies to every test in it). Each test function
/// holds one slot while it runs, and the cases of a parameterized one run one after
/// another. The slot is taken outside the test's time limit, so waiting for one never
/// counts against it. Tests tagged `.long` get free slots first, so a run does not end
/// with one long test alone. `Sandbox.run` takes a slot itself when its test holds none
/// (a suite without the trait), inside the time limit then.
///
/// `GOB_TEST_PARALLEL=<n>` sets the number of slots (default 4, measured on two cores:
/// README "Testing").
public struct EndToEndSlots: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// How many end-to-end tests run at once.
    public static let width: Int = {
        let value = getenv("GOB_TEST_PARALLEL").flatMap { Int(String(cString: $0)) } ?? 4
        return max(1, value)
    }()

    @TaskLocal static var holdsSlot = false

    private static let pool = SlotPool(width: width)
    private static let caseLocks = CaseLocks()

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        if test.isSuite { return nil }
        if testCase == nil { return self }
        return test.isParameterized ? self : nil
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if testCase == nil {
            await Self.pool.acquire(first: test.tags.contains(.long))
            let clock = ContinuousClock()
            let began = clock.now
            defer { Self.note(test, took: clock.now - began) }
            do {
                try await Self.$holdsSlot.withValue(true) { try await function() }
            } catch {
                await Self.pool.release()
                throw error
            }
            await Self.pool.release()
        } else {
            let lock = await Self.caseLocks.lock(for: test.id)
            await lock.acquire()
            do {
                try await function()
            } catch {
                await lock.release()
                throw error
            }
            await lock.release()
        }
    }

    /// With `GOB_TEST_SLOT_LOG=<file>`, each test function's time in its slot (the time
    /// it really took, without the wait for the slot) is appended there, to see what to
    /// tag `.long` and how wide to make the pool.
    private static func note(_ test: Test, took duration: Duration) {
        guard let path = getenv("GOB_TEST_SLOT_LOG").map({ String(cString: $0) }) else { return }
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let line = Array("\(String(format: "%.3f", seconds))\t\(test.name)\n".utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// Runs `body` holding a slot: the caller's own when it has one, else a new one.
    static func holdingSlot(_ body: () async throws -> Void) async throws {
        if holdsSlot { return try await body() }
        await pool.acquire(first: false)
        do {
            try await $holdsSlot.withValue(true) { try await body() }
        } catch {
            await pool.release()
            throw error
        }
        await pool.release()
    }
}

extension Trait where Self == EndToEndSlots {
    /// Runs the suite's tests with bounded parallelism: see `EndToEndSlots`.
    public static var endToEnd: Self { EndToEndSlots() }
}

extension Tag {
    /// A test that takes seconds by design (a grace period, a deadline it must see pass);
    /// it gets an end-to-end slot before the others.
    @Tag public static var long: Self
}
