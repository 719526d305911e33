import GobProject
import GobProtocol

/// The project dialog: opening it with the gobfile as it is now, moving in it, and
/// starting an entry as `gob up NAME` would (a `run` request, which reuses the entry's
/// stopped job and refuses a running one). The TUI never starts or stops a project's
/// jobs by itself: only this key does, one entry at a time.
extension Update {
    /// Opens the dialog on a loaded gobfile, or says why there is none.
    mutating func openProject(_ result: Result<Gobfile?, GobfileError>) {
        switch result {
        case let .success(gobfile?):
            guard !gobfile.entries.isEmpty else { return say("\(GobfileLocator.relativePath) has no jobs", isError: true) }
            model.dialog = .project(ProjectDialog(path: gobfile.path, entries: gobfile.entries))
        case .success(nil):
            say("No \(GobfileLocator.relativePath) here or in a parent directory", isError: true)
        case let .failure(error):
            say(error.description, isError: true)
        }
    }

    mutating func handleProjectKey(_ key: Key, _ dialog: ProjectDialog) {
        var dialog = dialog
        switch key {
        case .escape, .character("q"), .character("p"):
            model.dialog = nil
        case .up, .character("k"):
            dialog.cursor = max(dialog.cursor - 1, 0)
            dialog.problem = nil
            model.dialog = .project(dialog)
        case .down, .character("j"):
            dialog.cursor = min(dialog.cursor + 1, max(dialog.entries.count - 1, 0))
            dialog.problem = nil
            model.dialog = .project(dialog)
        case .enter:
            guard let entry = dialog.selected else { return }
            if let problem = refusal(of: entry) {
                dialog.problem = problem
                model.dialog = .project(dialog)
                return
            }
            startEntry(entry)
        default:
            sayUnknown(key)
        }
    }

    /// Why `entry` is not started from the dialog: blocked or running; nil when it can
    /// start.
    private func refusal(of entry: GobfileEntry) -> String? {
        if entry.blocked { return Gobfile.blockedMessage(entry) }
        if let job = ProjectDialog.runningJob(of: entry, in: model.jobs) { return "\(entry.name) is already running as \(job.id)" }
        return nil
    }

    /// Closes the dialog and starts `entry`.
    private mutating func startEntry(_ entry: GobfileEntry) {
        model.dialog = nil
        say("Starting \(entry.name)\(model.glyphs.ellipsis)")
        let spec = JobSpec(
            command: entry.command, workdir: entry.workdir, environment: entry.environment(over: model.context.environment),
            description: entry.description, ready: entry.ready, gobfileName: entry.name)
        effects.append(.send(.run(spec), .up(name: entry.name)))
    }
}
