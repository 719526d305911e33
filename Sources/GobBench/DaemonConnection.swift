#if canImport(Glibc)
import Glibc
#endif
import GobProtocol

/// One raw connection to a gob daemon's socket (contract §5.1): a request line out,
/// response and event lines in. Used where the benchmark must not pay for a `gob` process:
/// creating 1,000 jobs, subscribing, and the concurrent-clients storm.
final class DaemonConnection {
    private let fd: Int32
    private var reader: LineReader

    /// Connects to `socketPath`; blocking send and receive give up after `timeout` seconds.
    init(socketPath: String, timeout: Int = 10) throws(BenchError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw BenchError("socket path too long: \(socketPath)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(FileText.errorText())") }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw BenchError("connect \(socketPath): \(FileText.errorText(code))")
        }
        self.fd = fd
        reader = LineReader(fd: fd, source: "the daemon socket")
    }

    deinit { close(fd) }

    /// Sends one request line.
    func send(_ request: Request) throws(BenchError) {
        let bytes = Array((request.json.compact + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BenchError("send to the daemon: \(FileText.errorText())")
            }
            offset += written
        }
    }

    /// The next line from the daemon as JSON; throws at end of stream or past `deadline`.
    func receive(deadline: Int64) throws(BenchError) -> JSON {
        guard let line = try reader.next(deadline: deadline) else {
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
        let json = try receive(deadline: Monotonic.deadline(seconds: timeout))
        guard let response = Response(json: json) else {
            throw BenchError("not a response: \(json.compact.prefix(200))")
        }
        guard response.success else {
            throw BenchError("`\(request.typeName)` refused: \(response.error ?? "no error text")")
        }
        return response
    }

    /// One request on a fresh connection (the protocol's one request per connection).
    static func call(_ request: Request, socketPath: String, timeout: Double = 10) throws(BenchError) -> Response {
        try DaemonConnection(socketPath: socketPath).call(request, timeout: timeout)
    }
}
