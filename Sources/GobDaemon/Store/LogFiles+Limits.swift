import Glibc
import GobProtocol
import GobStore

extension LogFiles {
    /// The disk space one run's logs take, and when they were last written.
    struct RunUsage: Equatable {
        /// Bytes allocated on disk (a dropped part no longer counts).
        var bytes: Int64 = 0
        /// The latest modification of either log, nanoseconds since the epoch.
        var written: Int64 = 0
    }

    /// Opens the log file `name` of the directory, never following a symlink; nil when it
    /// cannot be opened.
    func openLog(_ name: String, flags: Int32) -> Int32? {
        if let state { return try? state.openLog(name, flags: flags) }
        let fd = Glibc.open(directory + "/" + name, flags | O_NOFOLLOW | O_CLOEXEC)
        return fd >= 0 ? fd : nil
    }

    /// What every run's logs take on disk, by run: one look at the directory and a `stat`
    /// of each file, none opened.
    func usage() -> [RunKey: RunUsage] {
        var runs: [RunKey: RunUsage] = [:]
        let dirFD = state.map { _ in Int32(-1) } ?? Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if dirFD >= 0 { _ = close(dirFD) } }
        for name in names() {
            guard let run = RunLogs.run(ofLogFile: name) else { continue }
            var info = stat()
            let found = if let state { state.statLog(name, &info) } else { fstatat(dirFD, name, &info, AT_SYMLINK_NOFOLLOW) == 0 }
            guard found, info.st_mode & S_IFMT == S_IFREG else { continue }
            let key = RunKey(jobID: run.job, number: run.number)
            var usage = runs[key] ?? RunUsage()
            usage.bytes += Int64(info.st_blocks) * 512
            usage.written = max(usage.written, Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
            runs[key] = usage
        }
        return runs
    }
}
