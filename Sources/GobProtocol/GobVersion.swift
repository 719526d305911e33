import CGobVersion
#if DEBUG
import Glibc
#endif

/// The version gob reports (`gob --version`), fixed at build time: `GOB_VERSION` in the
/// environment of `swift build` (Package.swift), `dev` for development builds.
public enum GobVersion {
    public static let current: String = {
        #if DEBUG
        if let version = testVersion { return version }
        #endif
        return String(cString: gob_build_version())
    }()

    /// Bumped whenever requests, replies or events change meaning, so that a client and a
    /// daemon built from different sources notice it even when both say `dev`.
    public static let protocolRevision = 5

    /// What clients send in every request (`"version"`) and the daemon compares with its own.
    public static let handshake = "\(current)/\(protocolRevision)"

    /// The daemon's answer to a client of another version: what happened and the fix.
    public static func mismatch(client: String, daemonPID: Int32) -> String {
        "version mismatch: the running gob daemon (PID \(daemonPID)) is \(handshake) but this gob is \(client); "
            + "gob was upgraded while the daemon kept running. Restart the daemon: 'kill \(daemonPID)' "
            + "stops it and its jobs, and the next gob command starts the new one"
    }

    /// Whether a client of handshake `client` replaces a daemon of handshake `daemon` with
    /// itself (re-executing it in place) instead of being refused: only when the client
    /// is newer, so a daemon is never downgraded.
    ///
    /// Releases (`1.3.0`) compare by their numbers, then by protocol revision. A
    /// development build (`dev`) counts as newer than every release, so a developer's
    /// build takes over an installed gob's daemon and an installed gob never replaces a
    /// developer's daemon; between two development builds the higher protocol revision
    /// is newer (two of the same revision speak the same protocol and are not told apart).
    public static func upgrades(daemon: String, client: String = handshake) -> Bool {
        guard let mine = Parsed(client), let theirs = Parsed(daemon) else { return false }
        return mine > theirs
    }

    /// A handshake's parts, ordered as `upgrades` says.
    struct Parsed: Comparable {
        /// Nil for a development build, which is above every release.
        var release: [Int]?
        var revision: Int

        init?(_ handshake: String) {
            let parts = handshake.split(separator: "/")
            guard parts.count == 2, let revision = Int(parts[1]) else { return nil }
            self.revision = revision
            if parts[0] == "dev" {
                release = nil
            } else {
                let numbers = parts[0].split(separator: ".").map { Int($0) }
                guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else { return nil }
                release = numbers.compactMap { $0 }
            }
        }

        static func < (a: Parsed, b: Parsed) -> Bool {
            switch (a.release, b.release) {
            case (nil, nil):
                return a.revision < b.revision
            case (nil, _?):
                return false
            case (_?, nil):
                return true
            case let (x?, y?):
                let length = max(x.count, y.count)
                let left = x + Array(repeating: 0, count: length - x.count)
                let right = y + Array(repeating: 0, count: length - y.count)
                if left != right { return left.lexicographicallyPrecedes(right) }
                return a.revision < b.revision
            }
        }
    }

    #if DEBUG
    /// Debug builds only, for the tests of upgrades: an executable named
    /// `gob-version-<version>` (a hard link to the built one) is that version, and so is
    /// its daemon, `gob-version-<version>-daemon`.
    static let testVersion: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var name = path.split(separator: "/").last.map(String.init) ?? ""
        if name.hasSuffix("-daemon") { name.removeLast("-daemon".count) }
        let prefix = "gob-version-"
        guard name.hasPrefix(prefix), name.count > prefix.count else { return nil }
        return String(name.dropFirst(prefix.count))
    }()
    #endif
}
