/// Why a gobfile cannot be used: where (the file, and the line and column when known)
/// and what, as one line in the form compilers use (`path:line:column: message`), so an
/// editor or a person finds the spot at once.
public struct GobfileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, as an absolute path.
    public let path: String
    /// 1-based; nil when the fault is the file as a whole (unreadable, too large).
    public let line: Int?
    /// 1-based; nil when only the line is known.
    public let column: Int?
    public let message: String

    public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = path
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return place + ": " + message
    }
}
