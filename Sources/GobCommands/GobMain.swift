import Glibc
import GobSystem

/// The process entry point of the `gob` executable.
public enum GobMain {
    /// Runs the command line and exits with its status.
    public static func main() -> Never {
        StandardDescriptors.ensureOpen()
        let status = CommandLineRunner().run(Array(CommandLine.arguments.dropFirst()))
        exit(status)
    }
}
