import Glibc
import CGobShims
import GobProtocol
import GobSystem

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
        CommandSearch.find(name, in: path)
    }

    private static func run(_ executable: String, tool: Tool, input: [UInt8]) -> String? {
        let pipe: (read: Int32, write: Int32)
        do { pipe = try SystemPipe.open() } catch { return "pipe: \(error)" }
        let argv = CStringArray([tool.name] + tool.arguments)
        var pid: pid_t = 0
        let spawned = gob_spawn(&pid, executable, argv.pointers, environ, nil, pipe.read, -1, -1, -1, 0)
        Descriptor.close(pipe.read)
        guard spawned == 0 else {
            Descriptor.close(pipe.write)
            return "\(tool.name): \(SystemError(spawned))"
        }
        // A tool that stops reading early says why through its exit status.
        try? Descriptor.writeAll(pipe.write, input)
        Descriptor.close(pipe.write)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let end = ProcessEnd(waitStatus: status)
        return end == .exited(0) ? nil : "\(tool.name) \(end)"
    }
}
