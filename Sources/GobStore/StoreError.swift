/// Why the state database could not be opened, read or written, in words for the user,
/// with what kind of failure it is.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file is not an SQLite database, or a damaged one.
        case corrupt
        /// An SQLite database, but not gob's.
        case foreign
        /// gob's database, written by a newer gob.
        case newerSchema
        /// The disk (or quota) is full.
        case full
        /// Any other failure to read or write.
        case io
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
