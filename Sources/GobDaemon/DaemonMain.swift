import Glibc
import CGobShims
import GobProject
import GobProtocol
import GobStore
import Logging
import Synchronization
import GobSystem
import GobTOML

/// A reason the daemon could not start; `description` is what the client prints.
public struct DaemonStartError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    /// Another daemon holds the runtime directory (it runs, or is still shutting down):
    /// a client that was starting one may simply try again.
    public let anotherDaemon: Bool

    public init(_ description: String, anotherDaemon: Bool = false) {
        self.description = description
        self.anotherDaemon = anotherDaemon
    }
}

/// The daemon process: start-up, serving, and graceful shutdown (docs/files.md, "The
/// daemon's life").
public enum DaemonMain {
    /// Runs the daemon in the foreground until it shuts down. `readyFD`: when non-nil, the
    /// daemon writes `ok\n` to it once it is listening, or `error: <message>\n` when
    /// start-up fails (`running: <message>\n` when it failed because another daemon
    /// holds the runtime directory), then closes it. Returns the exit status (0 after a graceful
    /// shutdown).
    public static func run(paths: RuntimePaths, readyFD: Int32?) throws(DaemonStartError) -> Int32 {
        // Left by the previous image of this process when it restarted in place.
        let inherited = InheritedDescriptors.take()
        do throws(DaemonStartError) {
            let daemon = try Daemon.start(paths: paths, inherited: inherited)
            if let readyFD {
                ReadinessPipe.tell(readyFD, "ok")
            }
            return daemon.serveUntilShutdown()
        } catch {
            if let readyFD {
                // `running:` tells the client that another daemon won: it can try again.
                let word = error.anotherDaemon ? "running" : "error"
                ReadinessPipe.tell(readyFD, "\(word): \(error.description)")
            }
            throw error
        }
    }
}

/// Why the daemon is to shut down.
struct ShutdownRequest: Sendable {
    var reason: String
    /// Asked by a `nuke` that left no job: carried out only if no job was added since.
    var onlyIfNoJobs = false
}

/// A running daemon's parts.
final class Daemon: Sendable {
    let paths: RuntimePaths
    /// `<rt>`, through which every runtime file of the daemon is opened.
    let directory: RuntimeDirectory
    let logFile: DaemonLogFile
    let logger: Logger
    let supervisor: JobSupervisor
    let bus: EventBus
    /// `<state>`, held (and locked) for the daemon's life.
    let state: StateDirectory
    let store: Store
    let flusher: WALFlusher?
    let server: SocketServer
    /// Reaps the daemon's children; an in-place restart holds its reports.
    let reaper: Reaper
    /// An in-place restart is under way: a second one is refused (each would wait for
    /// the other's connection to be answered).
    let restarting = Mutex(false)
    /// The repair of a state directory removed under the daemon (`Daemon+StateLoss`).
    let stateRepair = Mutex(StateRepair.idle)
    /// The socket and PID file in use; replaced when they are deleted under the daemon.
    let endpoint: Mutex<Endpoint>
    /// Set once a shutdown was asked for; the main thread waits on it.
    let shutdownRequest: ConditionLock<ShutdownRequest?>

    private init(
        directory: RuntimeDirectory, logFile: DaemonLogFile, logger: Logger, supervisor: JobSupervisor, bus: EventBus,
        state: StateDirectory, store: Store, flusher: WALFlusher?, server: SocketServer, reaper: Reaper, endpoint: Endpoint,
        shutdownRequest: ConditionLock<ShutdownRequest?>
    ) {
        self.reaper = reaper
        self.shutdownRequest = shutdownRequest
        self.paths = directory.paths
        self.directory = directory
        self.logFile = logFile
        self.logger = logger
        self.supervisor = supervisor
        self.bus = bus
        self.state = state
        self.store = store
        self.flusher = flusher
        self.server = server
        self.endpoint = Mutex(endpoint)
    }

    /// Starts the daemon; `inherited`: what the previous image left when this one is an
    /// in-place restart (the listener, the locks, the client to answer).
    static func start(paths: RuntimePaths, inherited: InheritedDescriptors? = nil) throws(DaemonStartError) -> Daemon {
        _ = chdir("/")
        let directory: RuntimeDirectory
        let tightenedFrom: mode_t?
        do {
            (directory, tightenedFrom) = try RuntimeDirectory.checked(paths)
        } catch {
            throw DaemonStartError("failed to ensure runtime directory: \(error.description)")
        }
        // Jobs get the limits the daemon started with, not the descriptor limit it raises
        // for itself (when their client sends none of its own).
        let jobDefaults = ProcessSettings(umask: 0o022, limits: ProcessSettings.current().limits)
        raiseDescriptorLimit()
        guard let logFile = DaemonLogFile(directory: directory) else {
            throw DaemonStartError("failed to open daemon log \(paths.daemonLog): \(SystemError.last)")
        }
        let logger = Logger(label: "gob.daemon") { _ in DaemonLogHandler(file: logFile) }
        if let tightenedFrom {
            logger.info("Made runtime directory \(paths.directory) private (mode \(String(tightenedFrom, radix: 8)) → 700)")
        }

        // Signals: SIGTERM/SIGINT/SIGHUP are taken by one waiting thread; blocking them
        // here, before any thread exists, makes every thread inherit the mask. Jobs get a
        // clean mask and default dispositions from the launcher.
        var handled = sigset_t()
        sigemptyset(&handled)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&handled, signal) }
        pthread_sigmask(SIG_BLOCK, &handled, nil)
        signal(SIGPIPE, SIG_IGN)

        // A bad config.toml stops a daemon from starting; an image that replaces a
        // running daemon (`gob daemon restart`) has jobs to keep, so it takes the default
        // limits instead and says so in its log.
        let config: GobConfig
        do throws(DaemonStartError) { config = try readConfig(logger: logger) } catch {
            guard inherited != nil else { throw error }
            logger.error("\(error.description); using the default log limits until the next start")
            config = GobConfig()
        }
        let pidLockFD: Int32
        if let held = inheritedPIDLock(inherited, in: directory) { pidLockFD = held } else { pidLockFD = try lockPIDFile(directory) }
        do throws(DaemonStartError) {
            let inheritedListener = inherited?.listen
            if inheritedListener == nil { try refuseServedSocket(directory, logger: logger) }
            let bootID = BootID.current()
            var history = try openHistory(
                paths: paths, bootID: bootID, logger: logger, inheritedStateLock: inherited?.stateLock)
            cleanUpAfterPredecessor(directory, logger: logger)
            let adoptsOrphans = gob_set_child_subreaper() == 0
            let listenFD: Int32
            if let inheritedListener { listenFD = inheritedListener } else { listenFD = try listen(in: directory) }
            try writePID(pidLockFD)

            let bus = EventBus(logger: logger)
            let reaper = Reaper()
            let launcher = PosixProcessLauncher(reaper: reaper, logs: history.directory, defaults: jobDefaults)
            let flusher = WALFlusher(walPath: history.store.walPath)
            let supervisor = JobSupervisor(
                launcher: launcher, bus: bus, paths: paths, store: history.store,
                logs: LogFiles(state: history.directory), directory: directory, flusher: flusher,
                retention: LogRetention(config.logs), bootID: bootID,
                logger: logger, trees: JobTrees(daemonPID: getpid(), adoptsOrphans: adoptsOrphans))
            let jobCount = history.jobs.table.count
            let jobs = history.takeJobs()
            supervisor.restore(jobs.table, highestSequence: jobs.highestSequence, linksCurrent: inherited != nil)
            guard supervisor.adopt(history.adopted) else {
                throw DaemonStartError("failed to start daemon threads: \(SystemError.last)")
            }
            let shutdown = ConditionLock<ShutdownRequest?>(nil)
            let server = SocketServer(
                handler: RequestHandler(supervisor: supervisor, statePaths: history.directory.paths), bus: bus, logger: logger,
                onShutdown: { onlyIfNoJobs in
                    shutdown.withLockBroadcasting { current in
                        if current == nil { current = ShutdownRequest(reason: "Shutdown requested", onlyIfNoJobs: onlyIfNoJobs) }
                    }
                })
            let daemon = Daemon(
                directory: directory, logFile: logFile, logger: logger, supervisor: supervisor, bus: bus,
                state: history.directory, store: history.store, flusher: flusher, server: server, reaper: reaper,
                endpoint: Endpoint(listenFD: listenFD, pidFD: pidLockFD, socketInode: directory.identity(of: "daemon.sock")),
                shutdownRequest: shutdown)
            server.onRestart { [weak daemon] fd, executable in daemon?.restartInPlace(replyingOn: fd, executable: executable) }
            supervisor.onStateLost { [weak daemon] in
                guard let daemon else { return "the daemon is stopping" }
                return daemon.stateLost()
            }
            guard reaper.start(onExit: { pid, status in supervisor.processExited(pid: pid, status: status) }),
                  daemon.startGuard(), server.start(listening: listenFD), daemon.startSignalThread(handled)
            else {
                throw DaemonStartError("failed to start daemon threads: \(SystemError.last)")
            }
            // The jobs' `<rt>` links and the logs that belong to no run are seen to after
            // the daemon answers: a thousand links take longer than the rest of start-up.
            let relink = inherited == nil
            let tidy: @Sendable () -> Void = {
                if relink { supervisor.relinkAll() }
                supervisor.prepareNextJobs()
                supervisor.removeOrphanRunLogs()
                supervisor.checkLogLimits()
                inherited?.closeReleased()
                logger.info("Start-up work done: links, stray logs, log limits")
            }
            if !DetachedThread.start(tidy) { tidy() }
            logger.info("State database \(history.store.path): \(jobCount) job(s)")
            logger.info("Daemon started, listening on \(paths.socket)")
            if let inherited { daemon.answerRestart(inherited.reply) }
            return daemon
        } catch {
            logger.error("\(error.description)")
            throw error
        }
    }

    /// Blocks until a shutdown is requested, then shuts down gracefully: jobs stopped,
    /// socket and PID file removed.
    func serveUntilShutdown() -> Int32 {
        var reason = "unknown"
        while true {
            guard let request = shutdownRequest.wait(until: nil, recheckEvery: nil, { $0 }) else { continue }
            reason = request.reason
            // A nuke that left no job shuts the daemon down, unless a job was added since
            // (its client was told it was added: it must not be stopped by this shutdown).
            if !request.onlyIfNoJobs || supervisor.closeIfEmpty() {
                // Committed: from now on every part of the daemon sees it shutting down.
                shutdownRequest.withLockBroadcasting { $0?.onlyIfNoJobs = false }
                break
            }
            logger.info("A job was added after the nuke that emptied the daemon; staying up")
            shutdownRequest.withLock { current in
                if current?.onlyIfNoJobs == true { current = nil }
            }
        }
        logger.info("\(reason), shutting down...")
        logger.info("Shutting down daemon...")
        supervisor.close()
        supervisor.discardNextJob()
        // Stop taking requests: the socket goes first, so new clients start a fresh daemon
        // (which waits for this one's PID file lock) instead of queueing here; clients
        // already queued are told that this daemon is shutting down, before they sent
        // anything, so they can safely send their request again.
        let current = endpoint.withLock { $0 }
        if current.socketInode != nil, directory.identity(of: "daemon.sock") == current.socketInode {
            do { try directory.remove("daemon.sock") } catch {
                logger.warning("Warning: failed to remove socket: \(error)")
            }
        }
        server.turnAwayQueued(current.listenFD)
        Socket.shutdown(current.listenFD)
        Descriptor.close(current.listenFD)
        bus.closeAll()
        // Jobs and their history stay; only their processes end.
        let stopped = supervisor.stopAll()
        if stopped.stopped > 0 { logger.info("Stopped \(stopped.stopped) running job(s)") }
        if let failure = stopped.failure { logger.error("Shutting down with \(failure)") }
        // Everything is written: the next daemon may have the database before this one has
        // let go of its runtime directory.
        flusher?.stopAndSync()
        store.close()
        state.unlock()
        if let held = FileIdentity(descriptor: current.pidFD), directory.identity(of: "daemon.pid") == held {
            do { try directory.remove("daemon.pid") } catch {
                logger.warning("Warning: failed to remove PID file: \(error)")
            }
        }
        logger.info("Daemon shut down")
        return 0
    }

    /// Asks the main thread to shut the daemon down.
    func requestShutdown(_ reason: String) {
        shutdownRequest.withLockBroadcasting { current in
            if current == nil || current?.onlyIfNoJobs == true { current = ShutdownRequest(reason: reason) }
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
