import Foundation
@testable import GobDaemon
import GobSystem
import Testing

/// Lookups of many jobs walk their trees on two threads; what they find must be what a
/// walk of one tree after the other finds.
@Suite("Job trees", .timeLimit(.minutes(1)))
struct JobTreesTests {
    /// A shell of this test process with one `sleep` child; returns both PIDs once the
    /// shell has said its child's (so the child exists).
    static func shellWithChild() throws -> (process: Process, shell: Int32, child: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "sleep 300 & echo $!; wait"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line: [UInt8] = []
        let handle = output.fileHandleForReading
        while line.last != 0x0A {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { break }
            line.append(first)
        }
        let child = try #require(Int32(String(decoding: line.dropLast(), as: UTF8.self)))
        return (process, process.processIdentifier, child)
    }

    @Test func manyRootsOnTwoThreadsFindWhatOneAfterTheOtherFinds() throws {
        let count = JobTrees.rootsForTwoThreads + 3
        let shells = try (0..<count).map { _ in try Self.shellWithChild() }
        defer {
            // SIGKILL: the test process may block SIGTERM, and its children with it.
            for shell in shells {
                kill(shell.child, SIGKILL)
                kill(shell.shell, SIGKILL)
                shell.process.waitUntilExit()
            }
        }
        var roots = shells.enumerated().map { index, shell in
            JobTrees.Root(id: "j\(index)", pgid: shell.shell, leader: ProcessIdentity(pid: shell.shell, startTime: 0))
        }
        // A root whose main process is inside the first root's tree: that process is the
        // first root's, as a walk of one tree after the other has it.
        let inner = try #require(TreeProcess.read(shells[0].child))
        roots.append(JobTrees.Root(id: "inner", pgid: shells[0].child, leader: inner.identity))
        let trees = JobTrees(daemonPID: getpid(), adoptsOrphans: false)

        let together = trees.lookUp(roots)
        #expect(together.count == count + 1)
        for (index, shell) in shells.enumerated() {
            #expect(together["j\(index)"]?.map(\.pid) == [shell.shell, shell.child], "j\(index)")
            #expect(together["j\(index)"]?.map(\.depth) == [0, 1])
        }
        #expect(together["inner"] == [], "\(together["inner"] ?? [])")
        // Fewer roots than two threads take: each job alone finds the same.
        for root in roots.prefix(count) {
            let alone = trees.lookUp(roots, wanted: [root.id])
            #expect(alone[root.id]?.map(\.pid) == together[root.id]?.map(\.pid), "\(root.id)")
        }
    }
}
