import GobProject
import GobProtocol
import GobTOML
@testable import GobTUI
import Testing

/// The project dialog's pure side: `p` reads the gobfile off the loop, the dialog lists
/// its entries, `enter` starts one as `gob up NAME` would, and blocked or running
/// entries are refused inside the dialog.
@Suite("TUI project dialog")
struct UpdateProjectTests {
    static let location = GobfileLocator.Location(file: "/home/me/app/.config/gobfile.toml", root: "/home/me/app")

    static func gobfile() throws -> Gobfile {
        try Gobfile(text: Array("""
            [[job]]
            name = "web"
            command = "npm run dev"
            description = "web UI"
            env = { PORT = "5173" }
            ready_log = "Local:"

            [[job]]
            command = "npm run db:reset"
            description = "drops the dev database"
            blocked = true
            """.utf8), location: location)
    }

    func opened() throws -> Model {
        var model = TUIFixture.fresh()
        model.jobs = [TUIFixture.job("abc", command: ["sleep", "60"])]
        let (next, effects) = Update.apply(model, .key(.character("p")))
        #expect(effects.first == .loadGobfile(workdir: TUIFixture.workdir))
        #expect(next.dialog == nil, "the dialog opens once the file is read")
        let (loaded, _) = Update.apply(next, .gobfileLoaded(.success(try Self.gobfile())))
        return loaded
    }

    @Test("p opens the dialog on the file as read; enter starts the selected entry with its settings")
    func startsAnEntry() throws {
        let model = try opened()
        guard case let .project(dialog)? = model.dialog else { Issue.record("no dialog: \(String(describing: model.dialog))"); return }
        #expect(dialog.entries.map(\.name) == ["web", "npm run db:reset"])
        let (next, effects) = Update.apply(model, .key(.enter))
        #expect(next.dialog == nil)
        let spec = JobSpec(
            command: ["npm", "run", "dev"], workdir: "/home/me/app", environment: TUIFixture.environment + ["PORT=5173"],
            description: "web UI", ready: ReadinessRule(log: "Local:"), gobfileName: "web")
        #expect(effects.contains(.send(.run(spec), .up(name: "web"))), "\(effects)")
        let job = TUIFixture.job("k3v", command: ["npm", "run", "dev"], workdir: "/home/me/app")
        let (replied, _) = Update.apply(next, .replied(.up(name: "web"), .success(.ok([("job", job.json)]))))
        #expect(replied.status?.text == "Started web as k3v (PID 100)")
    }

    @Test("a blocked entry, and one already running, are refused inside the dialog; nothing is sent")
    func refusals() throws {
        var model = try opened()
        (model, _) = Update.apply(model, .key(.character("j")))
        let (blocked, effects) = Update.apply(model, .key(.enter))
        #expect(!effects.contains { if case .send = $0 { true } else { false } })
        guard case let .project(dialog)? = blocked.dialog else { Issue.record("the dialog closed"); return }
        #expect(dialog.problem == "blocked by .config/gobfile.toml: npm run db:reset — drops the dev database")

        model.jobs.append(TUIFixture.job("k3v", command: ["npm", "run", "dev"], workdir: "/home/me/app"))
        (model, _) = Update.apply(model, .key(.character("k")))
        let (running, sent) = Update.apply(model, .key(.enter))
        #expect(sent.isEmpty, "\(sent)")
        guard case let .project(again)? = running.dialog else { Issue.record("the dialog closed"); return }
        #expect(again.problem == "web is already running as k3v")
    }

    @Test("no gobfile, or a broken one, is said in the status bar")
    func missingOrBroken() {
        let model = TUIFixture.fresh()
        let (none, _) = Update.apply(model, .gobfileLoaded(.success(nil)))
        #expect(none.dialog == nil && none.status?.text == "No .config/gobfile.toml here or in a parent directory")
        let error = GobfileError(path: "/p/.config/gobfile.toml", line: 2, column: 3, message: "invalid TOML: x")
        let (broken, _) = Update.apply(model, .gobfileLoaded(.failure(error)))
        #expect(broken.status?.text == "/p/.config/gobfile.toml:2:3: invalid TOML: x" && broken.status?.isError == true)
    }
}
