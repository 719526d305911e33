import Glibc
import GobProtocol
import GobSystem

/// The environment every spawned command gets: this process's, minus what would leak the
/// user's own gob or tmux into the measurement.
enum BenchEnvironment {
    /// Variables replaced per command or dropped: the runtime, state and configuration
    /// directories and `PWD` are set per sandbox (a measure never touches the user's own
    /// gob or its history); `TMUX`/`TMUX_PANE` would make tmux talk to the user's server.
    private static let replaced: Set<String> = [
        "XDG_RUNTIME_DIR", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "PWD", "OLDPWD", "TMUX", "TMUX_PANE",
    ]

    /// The environment for a command working in `workdir`, with gob's runtime directory
    /// under `xdgRuntimeDir` and its state directory under `xdgStateHome` when given.
    static func make(workdir: String, xdgRuntimeDir: String?, xdgStateHome: String? = nil) -> [String] {
        var entries = OSString.environment().map(\.description).filter { entry in
            let name = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            return !replaced.contains(name)
        }
        entries.append("PWD=\(workdir)")
        if let xdgRuntimeDir { entries.append("XDG_RUNTIME_DIR=\(xdgRuntimeDir)") }
        if let xdgStateHome {
            entries.append("XDG_STATE_HOME=\(xdgStateHome)")
            entries.append("XDG_CONFIG_HOME=\(xdgStateHome)/config")
        }
        if environmentValue("TERM") == nil { entries.append("TERM=xterm-256color") }
        if environmentValue("PATH") == nil { entries.append("PATH=/usr/local/bin:/usr/bin:/bin") }
        return entries
    }

    /// Finds `name` in `PATH` like a shell would; nil when it is not there.
    static func lookUp(_ name: String) -> String? {
        CommandSearch.find(name, in: environmentValue("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
    }
}
