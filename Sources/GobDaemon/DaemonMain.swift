#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol
import Logging
import Synchronization

/// A reason the daemon could not start; `description` is the contract's text (§2.22).
public struct DaemonStartError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The daemon process: start-up, serving, and graceful shutdown (contract §4, Decisions
/// D6, D11, D12, D14).
public enum DaemonMain {
    /// Runs the daemon in the foreground until it shuts down. `readyFD`: when non-nil, the
    /// daemon writes `ok\n` to it once it is listening, or `error: <message>\n` when
    /// start-up fails, then closes it. Returns the exit status (0 after a graceful
    /// shutdown).
    public static func run(paths: RuntimePaths, readyFD: Int32?) throws(DaemonStartError) -> Int32 {
        do throws(DaemonStartError) {
            let daemon = try Daemon.start(paths: paths)
            if let readyFD {
                _ = writeAll(readyFD, Array("ok\n".utf8))
                closeDescriptor(readyFD)
            }
            return daemon.serveUntilShutdown()
        } catch {
            if let readyFD {
                _ = writeAll(readyFD, Array("error: \(error.description)\n".utf8))
                closeDescriptor(readyFD)
            }
            throw error
        }
    }
}

/// A running daemon's parts.
final class Daemon: Sendable {
    let paths: RuntimePaths
    let logger: Logger
    let supervisor: JobSupervisor
    let bus: EventBus
    let record: JobGroupRecord
    let server: SocketServer
    /// The socket and PID file in use; replaced when they are deleted under the daemon.
    let endpoint: Mutex<Endpoint>
    /// Set once a shutdown was asked for; the main thread waits on it.
    let shutdownReason: ConditionLock<String?>

    private init(
        paths: RuntimePaths, logger: Logger, supervisor: JobSupervisor, bus: EventBus,
        record: JobGroupRecord, server: SocketServer, endpoint: Endpoint, shutdownReason: ConditionLock<String?>
    ) {
        self.shutdownReason = shutdownReason
        self.paths = paths
        self.logger = logger
        self.supervisor = supervisor
        self.bus = bus
        self.record = record
        self.server = server
        self.endpoint = Mutex(endpoint)
    }

    static func start(paths: RuntimePaths) throws(DaemonStartError) -> Daemon {
        _ = chdir("/")
        do {
            try paths.ensureDirectory()
        } catch {
            throw DaemonStartError("failed to ensure runtime directory: \(error.description)")
        }
        // Jobs get the limits the daemon started with, not the descriptor limit it raises
        // for itself (when their client sends none of its own).
        let jobDefaults = ProcessSettings(umask: 0o022, limits: ProcessSettings.current().limits)
        raiseDescriptorLimit()
        guard let logFile = DaemonLogFile(path: paths.daemonLog) else {
            throw DaemonStartError("failed to open daemon log \(paths.daemonLog): \(SystemError.last)")
        }
        let logger = Logger(label: "gob.daemon") { _ in DaemonLogHandler(file: logFile) }

        // Signals: SIGTERM/SIGINT/SIGHUP are taken by one waiting thread; blocking them
        // here, before any thread exists, makes every thread inherit the mask. Jobs get a
        // clean mask and default dispositions from the launcher.
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&handled, signal) }
        pthread_sigmask(SIG_BLOCK, &handled, nil)
        signal(SIGPIPE, SIG_IGN)

        let pidLockFD = try lockPIDFile(paths)
        do throws(DaemonStartError) {
            try removeStaleSocket(paths, logger: logger)
            let record = JobGroupRecord(path: paths.jobRecord)
            cleanUpAfterPredecessor(paths, record: record, logger: logger)
            _ = gob_set_child_subreaper()
            let listenFD = try listen(on: paths.socket)
            try writePID(pidLockFD, paths: paths)

            let bus = EventBus(logger: logger)
            let reaper = Reaper()
            let launcher = PosixProcessLauncher(reaper: reaper, defaults: jobDefaults)
            let supervisor = JobSupervisor(
                launcher: launcher, bus: bus, paths: paths, record: record, logger: logger)
            let shutdown = ConditionLock<String?>(nil)
            let server = SocketServer(
                handler: RequestHandler(supervisor: supervisor), bus: bus, logger: logger,
                onShutdown: { shutdown.withLockBroadcasting { if $0 == nil { $0 = "Shutdown requested" } } })
            let daemon = Daemon(
                paths: paths, logger: logger, supervisor: supervisor, bus: bus, record: record, server: server,
                endpoint: Endpoint(listenFD: listenFD, pidFD: pidLockFD, socketInode: fileIdentity(paths.socket)),
                shutdownReason: shutdown)
            guard reaper.start(onExit: { pid, status in supervisor.processExited(pid: pid, status: status) }),
                  server.start(listening: listenFD), daemon.startSignalThread(handled), daemon.startGuard()
            else {
                throw DaemonStartError("failed to start daemon threads: \(SystemError.last)")
            }
            logger.info("Daemon started, listening on \(paths.socket)")
            return daemon
        } catch {
            logger.error("\(error.description)")
            throw error
        }
    }

    /// Blocks until a shutdown is requested, then shuts down gracefully (contract §4.5).
    func serveUntilShutdown() -> Int32 {
        let reason = shutdownReason.wait { $0 } ?? "unknown"
        logger.info("\(reason), shutting down...")
        logger.info("Shutting down daemon...")
        // Stop taking requests: new clients will start a fresh daemon once this one is gone.
        let listenFD = endpoint.withLock { $0.listenFD }
        shutdownSocket(listenFD)
        closeDescriptor(listenFD)
        bus.closeAll()
        supervisor.close()
        let running = supervisor.runningCount
        _ = supervisor.nuke(workdir: nil)
        if running > 0 { logger.info("Stopped \(running) running job(s)") }
        if unlink(paths.socket) != 0 && errno != ENOENT {
            logger.warning("Warning: failed to remove socket: \(SystemError.last)")
        }
        if unlink(paths.pidFile) != 0 && errno != ENOENT {
            logger.warning("Warning: failed to remove PID file: \(SystemError.last)")
        }
        record.remove()
        logger.info("Daemon shut down")
        return 0
    }

    /// Asks the main thread to shut the daemon down.
    func requestShutdown(_ reason: String) {
        shutdownReason.withLockBroadcasting { current in
            if current == nil { current = reason }
        }
    }

    func startSignalThread(_ handled: sigset_t) -> Bool {
        DetachedThread.start { [self] in
            var set = handled
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                let name = switch received {
                case SIGTERM: "terminated"
                case SIGINT: "interrupt"
                default: "hangup"
                }
                requestShutdown("Received signal \(name)")
            }
        }
    }
}
