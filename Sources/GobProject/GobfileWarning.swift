/// Something in a gobfile that gob ignores but the author should hear about (an unknown
/// key: a typo of `autostart` would otherwise silently never start a job). Printed as
/// `path:line: warning: message`.
public struct GobfileWarning: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path):\(line): warning: \(message)" }
}
