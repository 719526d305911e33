import Glibc
import GobProtocol
import Testing

/// Jobs belong to the directory they were added from.
@Suite("Directory scoping", .endToEnd, .timeLimit(.minutes(3)))
struct ScopingTests {
    @Test func listCleanupAndNukeAreScoped() async throws {
        try await Sandbox.run { sandbox async throws in
            let other = try sandbox.makeDirectory()
            let (here, herePID) = try await sandbox.addJob("sleep", "301")
            let (there, therePID) = try await sandbox.addJob("sleep", "302", in: other)

            #expect(try await sandbox.gob("list").stdout == "\(here): [\(herePID)] running: sleep 301\n")
            #expect(try await sandbox.gob("list", in: other).stdout == "\(there): [\(therePID)] running: sleep 302\n")
            let all = try await sandbox.gob("list", "-a")
            #expect(all.stdout == """
                \(there): [\(therePID)] running (\(other)): sleep 302
                \(here): [\(herePID)] running (\(sandbox.workdir)): sleep 301

                """)

            // ID commands are not scoped.
            #expect(try await sandbox.gob("stop", there).status == 0)
            #expect(try await sandbox.gob("cleanup").stdout == "Cleaned up 0 stopped job(s)\n")
            #expect(try await sandbox.gob("cleanup", in: other).stdout == "Cleaned up 1 stopped job(s)\n")

            let empty = try sandbox.makeDirectory()
            #expect(try await sandbox.gob("list", in: empty).stdout == "No jobs found\n")
            #expect(try await sandbox.gob("nuke", in: empty).stdout == "Stopped 0 running job(s)\nDeleted 0 log file(s)\nCleaned up 0 total job(s)\n")
            #expect(try await sandbox.listedJobs().map(\.id) == [here])
        }
    }

    @Test("a logical $PWD naming the current directory is used verbatim")
    func symlinkedWorkingDirectory() async throws {
        try await Sandbox.run { sandbox async throws in
            let real = try sandbox.makeDirectory()
            let holder = try sandbox.makeDirectory()
            let link = holder + "/link"
            #expect(symlink(real, link) == 0)

            let (id, _) = try await sandbox.addJob("sleep", "300", in: link)
            #expect(try await sandbox.listedJob(id)?.workdir == OSString(link))

            let viaLink = try await sandbox.gob("list", in: link)
            #expect(viaLink.stdout.hasPrefix("\(id):"))
            let viaReal = try await sandbox.gob("list", in: real)
            #expect(viaReal.stdout == "No jobs found\n")
            // Without PWD the physical path is used, which is another scope.
            let noPWD = try await sandbox.gob("list", in: link, environment: ["PWD": nil])
            #expect(noPWD.stdout == "No jobs found\n")
            // A PWD naming another directory is ignored.
            let stalePWD = try await sandbox.gob("list", in: real, environment: ["PWD": sandbox.workdir])
            #expect(stalePWD.stdout == "No jobs found\n")
            let (physical, _) = try await sandbox.addJob("sleep", "300", in: link, environment: ["PWD": "relative/path"])
            #expect(try await sandbox.listedJob(physical)?.workdir == OSString(real))
        }
    }
}
