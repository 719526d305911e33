import ArgumentParser

/// An ArgumentParser command that is one of the hot commands: after parsing it hands its
/// values over as the `Invocation` that `FastPath` would read, and runs that.
protocol InvocationCommand: ParsableCommand {
    /// The parsed command line as a plain value; throws what the parser left to check.
    func invocation() throws -> Invocation
}

extension ListCommand: InvocationCommand {}
extension PingCommand: InvocationCommand {}
extension StatusCommand: InvocationCommand {}
extension StopCommand: InvocationCommand {}
extension AddCommand: InvocationCommand {}
extension RunsCommand: InvocationCommand {}
extension DaemonCommand: InvocationCommand {}
extension PortsCommand: InvocationCommand {}

extension Invocation {
    /// The command's ArgumentParser definition, for the usage block under an error: only
    /// a failing run reaches it, so the fast path's successful runs never load the parser.
    var definition: any ParsableCommand.Type {
        switch self {
        case .version: Gob.self
        case .ping: PingCommand.self
        case .status: StatusCommand.self
        case .list: ListCommand.self
        case .stop: StopCommand.self
        case .add: AddCommand.self
        case .runs: RunsCommand.self
        case .daemon: DaemonCommand.self
        case .ports: PortsCommand.self
        }
    }
}
