import Glibc
import GobProject
import GobSystem
import GobTOML
import Logging

extension Daemon {
    /// Reads `config.toml` (`GobConfig`): the defaults when there is none; a file that
    /// cannot be used stops the daemon with its fault (file, line, why), which the client
    /// that started it prints.
    ///
    /// A file this user cannot even look for (a directory on its path that is not
    /// searchable, as under `sudo` with another user's `HOME`) counts as absent, with a
    /// line in the daemon log: only a file that is there can be wrong.
    static func readConfig(logger: Logger) throws(DaemonStartError) -> GobConfig {
        let path = GobConfig.path()
        var info = stat()
        if let path, stat(path, &info) != 0 {
            if errno != ENOENT && errno != ENOTDIR {
                logger.warning("Cannot look for \(path) (\(SystemError.last)): using the default log limits")
            }
            return GobConfig()
        }
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
