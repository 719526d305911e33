import CGobVersion

/// The version gob reports (`gob --version`), fixed at build time: `GOB_VERSION` in the
/// environment of `swift build` (Package.swift), `dev` for development builds.
public enum GobVersion {
    public static let current = String(cString: gob_build_version())

    /// Bumped whenever requests, replies or events change meaning, so that a client and a
    /// daemon built from different sources notice it even when both say `dev`.
    public static let protocolRevision = 3

    /// What clients send in every request (`"version"`) and the daemon compares with its own.
    public static let handshake = "\(current)/\(protocolRevision)"

    /// The daemon's answer to a client of another version: what happened and the fix.
    public static func mismatch(client: String, daemonPID: Int32) -> String {
        "version mismatch: the running gob daemon (PID \(daemonPID)) is \(handshake) but this gob is \(client); "
            + "gob was upgraded while the daemon kept running. Restart the daemon: 'kill \(daemonPID)' "
            + "stops it and its jobs, and the next gob command starts the new one"
    }
}
