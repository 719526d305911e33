import GobSystem

extension LineReader {
    /// The next line, with a failure worded for the report: `source` names the peer.
    mutating func next(deadline: Int64, from source: String) throws(BenchError) -> [UInt8]? {
        do { return try next(deadline: deadline) } catch {
            switch error {
            case .timedOut: throw BenchError("no line from \(source) in time")
            case .tooLong: throw BenchError("too long a line from \(source)")
            case let .system(cause): throw BenchError("reading from \(source): \(cause)")
            }
        }
    }
}
