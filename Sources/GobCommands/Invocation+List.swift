import Glibc
import GobClient
import GobProtocol
import GobTUI

extension Invocation {
    /// What sets a job's description apart from the job lines of `list`.
    static let descriptionIndent = "    "

    /// `list`: the jobs of this directory (all with `all`), newest first.
    static func runList(all: Bool, workdir: Bool, json: Bool) throws {
        let scope = all ? nil : try DaemonSession.workingDirectory()
        let wording = DaemonSession.ErrorWording(prefix: "failed to list jobs: ")
        if json {
            try DaemonSession().printListJSON(.listJSON(workdir: scope), wording: wording)
            return
        }
        let jobs = try DaemonSession().sendList(.list(workdir: scope), wording: wording)
        guard !jobs.isEmpty else {
            Console.line("No jobs found")
            return
        }
        Console.out(listText(
            jobs, showDirectory: all || workdir, style: ListStyle.current(), nowSeconds: Timestamp.nowNanoseconds() / 1_000_000_000))
    }

    /// How `list` draws its lines where it writes.
    struct ListStyle {
        /// The terminal's width, to cut long commands to; nil when not a terminal.
        var columns: Int?
        /// Mark failed jobs with `✗` (else `!`), and cut with `…` (else `~`): the locale
        /// is UTF-8, as the TUI decides.
        var unicode: Bool
        /// Colour the mark red.
        var colors: Bool

        /// The style for this process's stdout.
        static func current() -> ListStyle {
            let unicode = TerminalCapabilities(environment: environmentValue).unicode
            guard let columns = TerminalWidth.columns(of: STDOUT_FILENO) else {
                return ListStyle(columns: nil, unicode: unicode, colors: false)
            }
            return ListStyle(columns: columns, unicode: unicode, colors: OutputSink(descriptor: STDOUT_FILENO).colors)
        }
    }

    /// One line per job, `<id>: [<pid>] <status>: <command>` (with `showDirectory`, the
    /// status is followed by ` (<workdir>)`), then `  ✗ exit 7` when the job failed; then,
    /// indented on a line of its own, its description, for a running job whose runs give
    /// an estimate its progress (`40% of ~1m30s`), and for a running job the ports it
    /// listens on (`:5173 :24678`), two spaces apart. On a terminal a long command is cut
    /// so that the line fits.
    static func listText(_ jobs: [JobSnapshot], showDirectory: Bool, style: ListStyle, nowSeconds: Int64) -> String {
        // Appended piece by piece into room reserved once: interpolating and joining
        // temporaries grew and copied strings for every part of every line.
        var text = ""
        text.reserveCapacity(jobs.count * 96)
        for job in jobs {
            var head = job.id
            head.append(": [")
            head.append(String(job.pid))
            head.append("] ")
            head.append(job.status.rawValue)
            if showDirectory {
                head.append(" (")
                head.append(job.workdir.isEmpty ? "<unknown>" : job.workdir.description)
                head.append(")")
            }
            head.append(": ")
            var mark = ""
            var markWidth = 0
            if let failure = job.failure {
                let plain = "\(style.unicode ? "✗" : "!") \(failure)"
                markWidth = 2 + DisplayWidth.of(plain)
                mark = "  " + (style.colors ? "\u{1B}[31m" + plain + "\u{1B}[0m" : plain)
            }
            var command = job.commandLine
            var description = job.description ?? ""
            let progress = RunText.progress(job, nowSeconds: nowSeconds) ?? ""
            // The ports a running job listens on go beside its description.
            let ports = job.status == .running && !job.ports.isEmpty ? ListeningPort.summary(job.ports) : ""
            // Joined by hand: `joined(separator:)` looks its element type up at run time,
            // which scanned every protocol conformance of the executable (a quarter of a
            // `gob list`).
            var extras = progress
            if !ports.isEmpty { extras += (extras.isEmpty ? "" : "  ") + ports }
            let extrasWidth = extras.isEmpty ? 0 : DisplayWidth.of(extras) + (description.isEmpty ? 0 : 2)
            if let columns = style.columns {
                let ellipsis = style.unicode ? "…" : "~"
                let room = max(columns - DisplayWidth.of(head) - markWidth, 10)
                command = Fit.cut(command, width: room, ellipsis: ellipsis)
                description = Fit.cut(
                    description, width: max(columns - descriptionIndent.count - extrasWidth, 10), ellipsis: ellipsis)
            }
            text.append(head)
            text.append(command)
            text.append(mark)
            text.append("\n")
            if !description.isEmpty || !extras.isEmpty {
                text.append(descriptionIndent)
                text.append(description)
                if !description.isEmpty && !extras.isEmpty { text.append("  ") }
                text.append(extras)
                text.append("\n")
            }
        }
        return text
    }
}
