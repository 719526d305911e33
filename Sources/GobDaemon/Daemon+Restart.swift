import CGobShims
import Glibc
import GobProtocol
import GobSystem

extension Daemon {
    /// How long an in-place restart waits for the requests being served (a stop may take
    /// 15 s) before it gives up.
    static let restartWaitNanoseconds = MonotonicClock.seconds(30)

    /// The in-place restart (`daemon_restart`, asked on connection `fd`): stops taking
    /// connections (new ones wait in the listening socket's backlog), waits until every
    /// request being served is answered, writes everything to the store, and
    /// re-executes the gob executable as the same process. Its children — the jobs — stay
    /// its children; the listening socket, the two locks and `fd` pass to the new image
    /// (`InheritedDescriptors`), which reads the jobs back from the store, answers `fd`
    /// and takes the queued connections. Event streams end (their clients see EOF).
    ///
    /// Returns only when the restart failed, with the reason, which `fd` has been
    /// answered with (nil `fd`: the daemon restarts itself, and the reason is logged).
    /// `executable`: the file to re-execute (an upgrading client's own), checked; nil:
    /// the one this daemon was started from.
    @discardableResult
    func restartInPlace(replyingOn fd: Int32?, executable path: String? = nil) -> RestartRefusal {
        let first = restarting.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard first else { return refuseRestart(fd, "another restart is under way", transient: true) }
        defer { restarting.withLock { $0 = false } }
        logger.info(fd == nil ? "In-place restart of the daemon's own accord" : "In-place restart requested")
        server.pauseIntake()
        defer { server.resumeIntake() }
        guard server.waitForConnections(except: fd == nil ? 0 : 1, until: MonotonicClock.now() + Self.restartWaitNanoseconds) else {
            return refuseRestart(fd, "requests still being served after 30 s; try again", transient: true)
        }
        let executable: Int32
        if let path {
            do throws(RestartRefusal) { executable = try Self.openExecutable(path) } catch {
                return refuseRestart(fd, error.description)
            }
        } else {
            do throws(SystemError) { executable = try Self.openOwnExecutable() } catch {
                return refuseRestart(fd, "cannot open the gob executable: \(error)")
            }
        }
        defer { Descriptor.close(executable) }
        let current = endpoint.withLock { $0 }
        let inherited = InheritedDescriptors(
            listen: current.listenFD, pidLock: current.pidFD, stateLock: state.lockDescriptor, reply: fd)
        // No reap between here and the exec goes unrecorded: reports are held, and what
        // was applied is written to the store the new image reads.
        // The next job's links would outlive this image: the new one keeps links current
        // without looking for strays.
        supervisor.discardNextJob()
        let failure = reaper.withReportsHeld { () -> String in
            supervisor.commit()
            // The new image reads the jobs back from the database: one removed under this
            // image is made again first, with every job in it.
            if let failure = remakeStateIfRemoved() { return failure }
            // The inotify instances go along, for the new image to close once it serves;
            // none is made or closed until the exec.
            return InotifyInstances.withEach { instances -> String in
                var inherited = inherited
                inherited.released = instances
                guard inherited.keepAcrossExec() else { return "cannot pass descriptors: \(SystemError.last)" }
                setenv(InheritedDescriptors.variable, inherited.encoded, 1)
                logger.info("Re-executing in place (PID \(getpid()))")
                let error = Self.execute(executable)
                unsetenv(InheritedDescriptors.variable)
                inherited.closeOnExec()
                return "cannot re-execute: \(error)"
            }
        }
        logger.error("In-place restart failed: \(failure)")
        supervisor.prepareNextJobs()
        return refuseRestart(fd, failure)
    }

    /// Answers a restart that did not happen (logs it, when no client asked); returns why.
    private func refuseRestart(_ fd: Int32?, _ message: String, transient: Bool = false) -> RestartRefusal {
        guard let fd else {
            logger.error("In-place restart refused: \(message)")
            return RestartRefusal(description: message, transient: transient)
        }
        var line: [UInt8] = []
        Response.failure("daemon restart failed: \(message)", code: .internal).json.write(into: &line, indent: nil, level: 0)
        line.append(0x0A)
        Descriptor.writeAllIgnoringErrors(fd, line, to: .socket)
        return RestartRefusal(description: message, transient: transient)
    }

    /// The executable this daemon runs, opened for the exec: `/proc/self/exe` names the
    /// very file it was started from, also when it was replaced or deleted since.
    static func openOwnExecutable() throws(SystemError) -> Int32 {
        let fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last }
        return fd
    }

    /// Why an in-place restart did not happen (a client's executable not run, …).
    struct RestartRefusal: Error, CustomStringConvertible {
        let description: String
        /// Another restart was under way, or requests kept it waiting: a later try may
        /// succeed.
        var transient = false
    }

    /// Opens the executable a client named for the daemon to become, and checks it
    /// through that descriptor (which is what is executed, so it cannot be swapped
    /// between the check and the exec): a regular, executable file owned by this user
    /// or by root, and writable by no one else.
    static func openExecutable(_ path: String) throws(RestartRefusal) -> Int32 {
        guard path.hasPrefix("/") else { throw RestartRefusal(description: "the executable must be named by an absolute path: \(path)") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw RestartRefusal(description: "cannot open \(path): \(SystemError.last)") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = SystemError.last
            Descriptor.close(fd)
            throw RestartRefusal(description: "cannot inspect \(path): \(error)")
        }
        let problem: String? =
            if info.st_mode & S_IFMT != S_IFREG { "not a regular file" }
            else if info.st_uid != getuid() && info.st_uid != 0 { "owned by another user (uid \(info.st_uid))" }
            else if info.st_mode & 0o022 != 0 { "writable by others (mode \(String(info.st_mode & 0o7777, radix: 8)))" }
            else if info.st_mode & 0o100 == 0 { "not executable" }
            else { nil }
        if let problem {
            Descriptor.close(fd)
            throw RestartRefusal(description: "refusing to run \(path): \(problem)")
        }
        return fd
    }

    /// `execveat(fd, "", ["gob-daemon"], environ, AT_EMPTY_PATH)`: the file the
    /// descriptor holds, never a path that could be swapped. Returns only on failure.
    static func execute(_ executable: Int32) -> SystemError {
        let arguments = CStringArray(["gob-daemon"])
        _ = arguments.pointers.withUnsafeBufferPointer { argv in
            gob_execute_descriptor(executable, argv.baseAddress)
        }
        return SystemError.last
    }
}

extension Daemon {
    /// The PID file lock the previous image held, when it is still `<rt>/daemon.pid`'s;
    /// nil for a fresh start, or when the file was replaced meanwhile (the lock is then
    /// taken anew).
    static func inheritedPIDLock(_ inherited: InheritedDescriptors?, in directory: RuntimeDirectory) -> Int32? {
        guard let inherited else { return nil }
        if let held = FileIdentity(descriptor: inherited.pidLock), directory.identity(of: "daemon.pid") == held {
            return inherited.pidLock
        }
        Descriptor.close(inherited.pidLock)
        return nil
    }

    /// Answers the client that asked for the in-place restart (none when the daemon
    /// restarted of its own accord), now that this image serves.
    func answerRestart(_ fd: Int32?) {
        let counts = supervisor.jobCounts
        if let fd {
            let response = Response.ok([
                ("pid", .int(Int64(getpid()))), ("version", .string(GobVersion.current)),
                ("jobs_running", .int(Int64(counts.running))),
            ])
            var line: [UInt8] = []
            response.json.write(into: &line, indent: nil, level: 0)
            line.append(0x0A)
            Descriptor.writeAllIgnoringErrors(fd, line, to: .socket)
            Descriptor.close(fd)
        }
        logger.info("Restarted in place: serving again with \(counts.running) running job(s)")
    }
}
