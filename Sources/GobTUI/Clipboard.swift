#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CGobShims
import GobProtocol

/// Copies text to the system clipboard through whichever tool is installed: `pbcopy` on
/// macOS, `wl-copy` under Wayland, `xclip` or `xsel` under X11. The text goes to the
/// tool's standard input through a pipe.
enum Clipboard {
    /// A clipboard program and the arguments that make it read its standard input.
    struct Tool: Equatable {
        let name: String
        let arguments: [String]
    }

    /// The candidates in order of preference for this environment.
    static func candidates(environment lookup: (String) -> String?) -> [Tool] {
        let wayland = Tool(name: "wl-copy", arguments: [])
        var tools = [Tool(name: "pbcopy", arguments: [])]
        if let display = lookup("WAYLAND_DISPLAY"), !display.isEmpty { tools.append(wayland) }
        tools.append(Tool(name: "xclip", arguments: ["-selection", "clipboard"]))
        tools.append(Tool(name: "xsel", arguments: ["--clipboard", "--input"]))
        if !tools.contains(wayland) { tools.append(wayland) }
        return tools
    }

    /// Copies `text`; nil on success, otherwise why it failed.
    static func copy(_ text: String) -> String? {
        let path = environmentValue("PATH") ?? "/usr/bin:/bin"
        for tool in candidates(environment: environmentValue) {
            if let executable = find(tool.name, in: path) {
                return run(executable, tool: tool, input: Array(text.utf8))
            }
        }
        return "no clipboard tool found (install xclip, xsel or wl-copy)"
    }

    /// The first executable `name` in the directories of `path`.
    static func find(_ name: String, in path: String) -> String? {
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func run(_ executable: String, tool: Tool, input: [UInt8]) -> String? {
        var fds: [Int32] = [-1, -1]
        let rc = gob_pipe(&fds, 0)
        guard rc == 0 else { return "pipe: \(SystemError(rc))" }
        var argv: [UnsafeMutablePointer<CChar>?] = ([tool.name] + tool.arguments).map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = gob_spawn(&pid, executable, argv, environ, nil, fds[0], -1, -1, -1, 0)
        close(fds[0])
        guard spawned == 0 else {
            close(fds[1])
            return "\(tool.name): \(SystemError(spawned))"
        }
        var offset = 0
        while offset < input.count {
            let written = input[offset...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { break }
            offset += written
        }
        close(fds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out: the macros are not imported.
        if status & 0x7F != 0 { return "\(tool.name) was killed by signal \(status & 0x7F)" }
        let code = (status >> 8) & 0xFF
        return code == 0 ? nil : "\(tool.name) exited with status \(code)"
    }
}
