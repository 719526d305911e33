import ArgumentParser
import GobDaemon
import GobProtocol

extension Invocation {
    /// Runs the daemon in the foreground until it shuts down; its exit status is the
    /// command's (`ExitCode` is a plain value: throwing it starts none of the parser).
    static func runDaemon(readyFD: Int32?) throws {
        let status: Int32
        do {
            status = try DaemonMain.run(paths: RuntimePaths.current(), readyFD: readyFD)
        } catch {
            throw CommandFailure(error.description, code: .internal)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
