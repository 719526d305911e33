import Glibc
import GobProject
import GobProtocol
import GobSystem
import GobTOML

extension DaemonMain {
    /// What `gob-daemon` is asked to do by its arguments.
    enum Action: Equatable {
        /// Serve; `readyFD` as for `run(paths:readyFD:)`.
        case serve(readyFD: Int32?)
        /// Print the version and exit, so an installation can check that `gob` and
        /// `gob-daemon` belong together.
        case version
        /// Print the gobfile governing the directory as one JSON line (`GobfileAnswer`)
        /// and exit: the commands' way to read a gobfile, since gob's TOML parser lives
        /// in this executable only.
        case readGobfile(directory: OSString)
    }

    /// Reads `gob-daemon`'s arguments: `[daemon] [run] [--ready-fd <fd>]`, `--version`, or
    /// `--read-gobfile <absolute directory>`.
    /// The `gob` commands start it with `--ready-fd 3`; `gob daemon` runs it in the
    /// foreground; the leading words are what a daemon of an earlier gob, which was one
    /// executable, passes when a newer client asks it to become this one in place.
    /// Arguments are bytes, as the kernel passes them: a directory need not be UTF-8.
    static func action(_ bytes: [OSString]) throws(DaemonStartError) -> Action {
        if bytes.count == 2, bytes[0] == "--read-gobfile" {
            guard bytes[1].isAbsolutePath, !bytes[1].containsNUL else {
                throw DaemonStartError("--read-gobfile needs an absolute directory, not \(ShellWords.quote(bytes[1].description))")
            }
            return .readGobfile(directory: bytes[1])
        }
        let arguments = bytes.map(\.description)
        if arguments == ["--version"] { return .version }
        var words = arguments[...]
        if words.first == "daemon" { words = words.dropFirst() }
        if words.first == "run" { words = words.dropFirst() }
        switch words.count {
        case 0:
            return .serve(readyFD: nil)
        case 2 where words.first == "--ready-fd":
            guard let text = words.last, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let fd = Int32(text) else {
                throw DaemonStartError("invalid --ready-fd \(ShellWords.quote(words.last ?? "")): expected a descriptor number")
            }
            return .serve(readyFD: fd)
        default:
            let word = words.first ?? ""
            throw DaemonStartError(
                "unknown argument \(ShellWords.quote(word)) (usage: gob-daemon [--ready-fd <fd>] | --version | "
                    + "--read-gobfile <dir>; "
                    + "gob commands start it as needed)")
        }
    }

    /// The process entry point of `gob-daemon`: serves until shut down and exits with
    /// the daemon's status; a start-up failure is one `Error: <message>` line on stderr
    /// and status 1, as every gob command reports one.
    public static func main() -> Never {
        StandardDescriptors.ensureOpen()
        let arguments = (1..<Int(CommandLine.argc)).map { index in
            CommandLine.unsafeArgv[index].map { OSString(cString: $0) } ?? OSString("")
        }
        do throws(DaemonStartError) {
            switch try action(arguments) {
            case .version:
                Descriptor.writeAllIgnoringErrors(1, Array("gob-daemon version \(GobVersion.current)\n".utf8), to: .file)
                exit(0)
            case let .readGobfile(directory):
                let result: Result<Gobfile?, GobfileError>
                do throws(GobfileError) { result = .success(try Gobfile.governing(directory)) } catch { result = .failure(error) }
                var line: [UInt8] = []
                GobfileAnswer.json(result).write(into: &line, indent: nil, level: 0)
                line.append(0x0A)
                exit(Descriptor.writeAllIgnoringErrors(1, line, to: .file) ? 0 : 1)
            case let .serve(readyFD):
                exit(try run(paths: RuntimePaths.current(), readyFD: readyFD))
            }
        } catch {
            Descriptor.writeAllIgnoringErrors(2, Array("Error: \(error.description)\n".utf8), to: .file)
            exit(1)
        }
    }
}
