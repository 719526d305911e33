/// Positional-argument checks with cobra's messages (contract §1.3). Commands declare
/// their positionals as arrays and check the count themselves, so the message is exact.
enum ArgumentCount {
    /// The only argument, or `accepts 1 arg(s), received <n>`.
    static func exactlyOne(_ arguments: [String]) throws(CommandFailure) -> String {
        guard arguments.count == 1, let only = arguments.first else {
            throw CommandFailure("accepts 1 arg(s), received \(arguments.count)")
        }
        return only
    }

    /// The two arguments, or `accepts 2 arg(s), received <n>`.
    static func exactlyTwo(_ arguments: [String]) throws(CommandFailure) -> (String, String) {
        guard arguments.count == 2 else {
            throw CommandFailure("accepts 2 arg(s), received \(arguments.count)")
        }
        return (arguments[0], arguments[1])
    }

    /// The arguments when there is at least one, else
    /// `requires at least 1 arg(s), only received 0`.
    static func atLeastOne(_ arguments: [String]) throws(CommandFailure) -> [String] {
        guard !arguments.isEmpty else {
            throw CommandFailure("requires at least 1 arg(s), only received 0")
        }
        return arguments
    }
}
