import GobProject
import Logging

extension Daemon {
    /// Reads `config.toml` (`GobConfig`): the defaults when there is none; a file that
    /// cannot be used stops the daemon with its fault (file, line, why), which the client
    /// that started it prints.
    static func readConfig(logger: Logger) throws(DaemonStartError) -> GobConfig {
        let path = GobConfig.path()
        do throws(GobfileError) {
            let config = try GobConfig.load(path: path)
            if config != GobConfig(), let path {
                let logs = config.logs
                logger.info("""
                    Settings from \(path): logs of the newest \(logs.runsPerJob) run(s) of each job, \
                    \(SizeSyntax.text(logs.totalBytes)) in all, \(SizeSyntax.text(logs.streamBytes)) per stream
                    """)
            }
            return config
        } catch {
            throw DaemonStartError("cannot use \(error.description)")
        }
    }
}
