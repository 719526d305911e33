import Glibc
import CGobShims
import GobProtocol

/// The listening sockets of one network namespace, by inode, from the kernel's tables
/// `/proc/<pid>/net/{tcp,tcp6,udp,udp6}`: TCP sockets in the listening state, and UDP
/// sockets bound to a port with no peer (what `ss -l` lists as UNCONN).
struct ListeningSockets {
    struct Socket: Equatable {
        var port: Int
        var transport: ListeningPort.Transport
        var address: String
    }

    var byInode: [UInt64: Socket] = [:]

    /// The four tables, by name, transport and whether they hold IPv6.
    private static let tables: [(name: String, transport: ListeningPort.Transport, v6: Bool)] = [
        ("tcp", .tcp, false), ("tcp6", .tcp, true), ("udp", .udp, false), ("udp6", .udp, true),
    ]

    /// The listening sockets of the namespace `pid` is in, from its `/proc/<pid>/net`
    /// tables.
    static func read(namespaceOf pid: Int32) -> ListeningSockets {
        var sockets = ListeningSockets()
        for table in tables { sockets.addTable(table.name, of: "\(pid)", transport: table.transport, v6: table.v6) }
        return sockets
    }

    /// The listening sockets of the daemon's own network namespace. The kernel is asked
    /// through sock_diag for listening sockets only: `/proc/net/tcp` walks every bucket of
    /// the connection table to print its text, which took 5 ms per table on a machine
    /// with large tables, most of a `gob ports`. A table the kernel cannot dump that way
    /// (no diag module) is read as text.
    static func readOwnNamespace() -> ListeningSockets {
        var sockets = ListeningSockets()
        for table in tables {
            let family = table.v6 ? AF_INET6 : AF_INET
            let proto = Int32(table.transport == .tcp ? IPPROTO_TCP : IPPROTO_UDP)
            guard let found = dump(family: family, protocol: proto) else {
                sockets.addTable(table.name, of: "self", transport: table.transport, v6: table.v6)
                continue
            }
            for entry in found {
                let bytes = withUnsafeBytes(of: entry.address) { Array($0.prefix(table.v6 ? 16 : 4)) }
                guard let address = format(bytes, v6: table.v6) else { continue }
                sockets.byInode[entry.inode] = Socket(port: Int(entry.port), transport: table.transport, address: address)
            }
        }
        return sockets
    }

    /// One sock_diag dump; nil when the kernel refused it.
    static func dump(family: Int32, protocol: Int32) -> [gob_listener]? {
        var capacity = 256
        while true {
            var entries = [gob_listener](repeating: gob_listener(), count: capacity)
            let count = gob_listening_sockets(family, `protocol`, &entries, Int32(capacity))
            guard count >= 0 else { return nil }
            if Int(count) <= capacity { return Array(entries.prefix(Int(count))) }
            capacity = Int(count) + 64
        }
    }

    /// Adds the table `name` of `/proc/<process>/net`, if it can be read.
    private mutating func addTable(_ name: String, of process: String, transport: ListeningPort.Transport, v6: Bool) {
        guard let bytes = ProcFiles.contents("/proc/\(process)/net/\(name)", limit: 64 << 20) else { return }
        add(table: bytes, transport: transport, v6: v6)
    }

    /// Adds the listening sockets of one table's text.
    mutating func add(table bytes: [UInt8], transport: ListeningPort.Transport, v6: Bool) {
        // `st`: TCP_LISTEN for TCP; TCP_CLOSE, the state of an unconnected UDP socket.
        let listening: [UInt8] = transport == .tcp ? Array("0A".utf8) : Array("07".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")).dropFirst() {
            let fields = line.split(separator: UInt8(ascii: " "))
            // sl, local_address, rem_address, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode
            guard fields.count > 9, Array(fields[3]) == listening,
                  let colon = fields[1].lastIndex(of: UInt8(ascii: ":")),
                  let port = Int(String(decoding: fields[1][(colon + 1)...], as: UTF8.self), radix: 16), port != 0,
                  let address = Self.address(hex: fields[1][..<colon], v6: v6),
                  let inode = UInt64(String(decoding: fields[9], as: UTF8.self)), inode != 0
            else { continue }
            if transport == .udp, !Self.hasNoPeer(fields[2]) { continue }
            byInode[inode] = Socket(port: port, transport: transport, address: address)
        }
    }

    /// A remote address of all zeros and port 0: the socket has no peer.
    private static func hasNoPeer(_ field: ArraySlice<UInt8>) -> Bool {
        field.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ":") }
    }

    /// The text of an address the kernel prints as hex: 32-bit words, each in the host's
    /// byte order, whose bytes in memory are the address in network order.
    static func address(hex: ArraySlice<UInt8>, v6: Bool) -> String? {
        let wordCount = v6 ? 4 : 1
        guard hex.count == wordCount * 8 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(wordCount * 4)
        var start = hex.startIndex
        for _ in 0..<wordCount {
            guard let word = UInt32(String(decoding: hex[start..<(start + 8)], as: UTF8.self), radix: 16) else { return nil }
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            start += 8
        }
        return format(bytes, v6: v6)
    }

    /// An address in network byte order as text: `127.0.0.1`, `::1`.
    static func format(_ bytes: [UInt8], v6: Bool) -> String? {
        if !v6 { return bytes.count == 4 ? bytes.map(String.init).joined(separator: ".") : nil }
        guard bytes.count == 16 else { return nil }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The listening ports of each tree, looked up with its sockets: every socket held by
    /// a process of the tree, once, with the first process found holding it (parents come
    /// before their children).
    static func ports(of trees: [String: [TreeProcess]]) -> [String: [ListeningPort]] {
        var held: [(id: String, pid: Int32, inodes: [UInt64])] = []
        for (id, processes) in trees {
            for process in processes where process.isLive {
                if let inodes = process.sockets, !inodes.isEmpty { held.append((id, process.pid, inodes)) }
            }
        }
        var result: [String: [ListeningPort]] = [:]
        for id in trees.keys { result[id] = [] }
        guard !held.isEmpty else { return result }
        // One read of the tables per network namespace: a job may run some of its
        // processes in a namespace of their own.
        let own = ProcFiles.link("/proc/self/ns/net")
        var tables: [[UInt8]: ListeningSockets] = [:]
        var seenInodes: [String: Set<UInt64>] = [:]
        for entry in held {
            let namespace = ProcFiles.link("/proc/\(entry.pid)/ns/net") ?? []
            if tables[namespace] == nil {
                tables[namespace] = namespace == own ? readOwnNamespace() : read(namespaceOf: entry.pid)
            }
            guard let sockets = tables[namespace] else { continue }
            for inode in entry.inodes {
                guard let socket = sockets.byInode[inode], seenInodes[entry.id, default: []].insert(inode).inserted else { continue }
                result[entry.id, default: []].append(
                    ListeningPort(port: socket.port, transport: socket.transport, address: socket.address, pid: entry.pid))
            }
        }
        for id in result.keys { result[id]?.sort(by: ListeningPort.ordered) }
        return result
    }
}
