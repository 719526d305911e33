#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GobProtocol

extension DaemonClient {
    /// Why a subscription could not be opened.
    public enum SubscribeError: Error, Equatable {
        /// No connection at all (worded `failed to connect to daemon: …`).
        case connect(ClientError)
        /// The daemon refused (with its error code, nil when the reply was unreadable or the
        /// connection failed): `subscribe failed: <detail>`.
        case refused(String, code: ErrorCode? = nil)

        public var description: String {
            switch self {
            case let .connect(error): error.description
            case let .refused(detail, _): "subscribe failed: \(detail)"
            }
        }
    }

    /// Opens an event subscription for `workdir` (all directories when nil) and waits for
    /// its acknowledgement (contract §5.6). The stream stays open until dropped.
    public func subscribe(workdir: OSString?) throws(SubscribeError) -> EventStream {
        let socket: UnixSocket
        do { socket = try connect() } catch { throw .connect(error) }
        var line = Array(Request.subscribe(workdir: workdir).wireJSON.compact.utf8)
        line.append(0x0A)
        do { try socket.writeAll(line) } catch { throw .refused("write: \(error)") }
        let fd = socket.takeDescriptor()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.contains(0x0A) {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                let detail = count == 0 ? "EOF" : SystemError.last.description
                close(fd)
                throw .refused(detail)
            }
            received.append(contentsOf: buffer[0..<count])
        }
        let newline = received.firstIndex(of: 0x0A) ?? received.endIndex
        let response = (try? JSON(parsing: received[..<newline])).flatMap(Response.init(json:))
        guard let response, response.success else {
            close(fd)
            throw .refused(response?.error ?? "undecodable reply", code: response?.code)
        }
        return EventStream(descriptor: fd, pending: Array(received[(newline + 1)...]))
    }
}
