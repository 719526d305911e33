/// A socket that a process of a job's tree listens on: a TCP socket in the listening
/// state, or a bound UDP socket with no peer. What `gob ports` shows and what a job's
/// `ports` field carries.
public struct ListeningPort: Sendable, Hashable {
    public enum Transport: String, Sendable {
        case tcp
        case udp
    }

    public var port: Int
    public var transport: Transport
    /// The local address as people write it: `127.0.0.1`, `0.0.0.0`, `::`, `::1`.
    public var address: String
    /// The process that holds the socket (the first one found in the tree, parents before
    /// children, when several share it).
    public var pid: Int32

    public init(port: Int, transport: Transport, address: String, pid: Int32) {
        self.port = port
        self.transport = transport
        self.address = address
        self.pid = pid
    }

    /// `{"port","proto","address","pid"}` in that order.
    public var json: JSON {
        .object([
            ("port", .int(Int64(port))), ("proto", .string(transport.rawValue)),
            ("address", .string(address)), ("pid", .int(Int64(pid))),
        ])
    }

    /// Reads one element of a `ports` array; nil when `port` or `proto` is missing or
    /// mistyped. A missing address reads as empty, a missing PID as 0.
    public init?(json: JSON) {
        guard let port = json["port"]?.intValue, (0...65535).contains(port),
              let transport = json["proto"]?.stringValue.flatMap(Transport.init(rawValue:))
        else { return nil }
        self.init(
            port: Int(port), transport: transport, address: json["address"]?.stringValue ?? "",
            pid: Int32(truncatingIfNeeded: json["pid"]?.intValue ?? 0))
    }

    /// A `ports` array: the elements that read as ports, in their order.
    public static func list(json: JSON?) -> [ListeningPort] {
        (json?.arrayValue ?? []).compactMap(ListeningPort.init(json:))
    }

    /// Port number first, then TCP before UDP, then the address: the order every output
    /// uses.
    public static func ordered(_ a: ListeningPort, _ b: ListeningPort) -> Bool {
        if a.port != b.port { return a.port < b.port }
        if a.transport != b.transport { return a.transport == .tcp }
        if a.address != b.address { return a.address < b.address }
        return a.pid < b.pid
    }

    /// The ports as `list` and the TUI show them beside a job: each number once, in order,
    /// `:5173` for TCP and `:5353/udp` for a number only UDP uses.
    public static func summary(_ ports: [ListeningPort]) -> String {
        // `list` asks for every job; no set (whose hashing costs a short-lived command
        // its random seed): a sort of a few numbers.
        if ports.isEmpty { return "" }
        let numbers = ports.map { (port: $0.port, tcp: $0.transport == .tcp) }.sorted { $0.port < $1.port }
        var text = ""
        var index = 0
        while index < numbers.count {
            let port = numbers[index].port
            var tcp = false
            while index < numbers.count && numbers[index].port == port {
                tcp = tcp || numbers[index].tcp
                index += 1
            }
            if !text.isEmpty { text += " " }
            text += tcp ? ":\(port)" : ":\(port)/udp"
        }
        return text
    }
}
