import Glibc
import GobProtocol
import GobSystem

/// One raw connection to a gob daemon's socket (docs/protocol.md): a request line out,
/// response and event lines in. Used where the benchmark must not pay for a `gob` process:
/// creating 1,000 jobs, subscribing, and the concurrent-clients storm.
final class DaemonConnection {
    private let fd: Int32
    private var reader: LineReader

    /// Connects to `socketPath`; blocking send and receive give up after `timeout` seconds.
    init(socketPath: String, timeout: Int = 10) throws(BenchError) {
        do {
            fd = try Socket.connected(to: socketPath, sendTimeoutMilliseconds: Int64(timeout) * 1000)
        } catch {
            throw BenchError("connect \(socketPath): \(error)")
        }
        reader = LineReader(fd: fd)
    }

    deinit { close(fd) }

    /// Sends one request line.
    func send(_ request: Request) throws(BenchError) {
        do { try Descriptor.writeAll(fd, Array((request.json.compact + "\n").utf8), to: .socket) } catch {
            throw BenchError("send to the daemon: \(error)")
        }
    }

    /// The next line from the daemon as JSON; throws at end of stream or past `deadline`.
    func receive(deadline: Int64) throws(BenchError) -> JSON {
        guard let line = try reader.next(deadline: deadline, from: "the daemon socket") else {
            throw BenchError("the daemon closed the connection")
        }
        do {
            return try JSON(parsing: line)
        } catch {
            throw BenchError("undecodable line from the daemon: \(error.description)")
        }
    }

    /// Sends `request` and returns the successful response; a failure response throws.
    func call(_ request: Request, timeout: Double = 10) throws(BenchError) -> Response {
        try send(request)
        let json = try receive(deadline: MonotonicClock.deadline(seconds: timeout))
        guard let response = Response(json: json) else {
            throw BenchError("not a response: \(json.compact.prefix(200))")
        }
        guard response.success else {
            throw BenchError("`\(request.typeName)` refused: \(response.error ?? "no error text")")
        }
        return response
    }

    /// Sends `request` and waits for a successful reply line, without decoding it (a
    /// client that only counts answers must not spend the benchmark's CPU on parsing).
    func answered(_ request: Request, timeout: Double = 10) throws(BenchError) {
        try send(request)
        guard let line = try reader.next(deadline: MonotonicClock.deadline(seconds: timeout), from: "the daemon socket") else {
            throw BenchError("the daemon closed the connection")
        }
        guard line.starts(with: Array(#"{"success":true"#.utf8)) else {
            throw BenchError("`\(request.typeName)` refused: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
    }

    /// One request on a fresh connection (the protocol's one request per connection).
    static func call(_ request: Request, socketPath: String, timeout: Double = 10) throws(BenchError) -> Response {
        try DaemonConnection(socketPath: socketPath).call(request, timeout: timeout)
    }
}
