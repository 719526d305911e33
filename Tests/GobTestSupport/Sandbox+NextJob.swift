import Foundation
import GobProtocol

/// The `<rt>` log links of the ID the daemon picks ahead for its next new job, and those
/// that belong to nobody.
extension Sandbox {
    /// Whether `<rt>/name` is one of the next job's links: of an ID not in `listed`,
    /// pointing at that ID's first run's log, which does not exist before the job does.
    private func isNextJobLink(_ name: String, listed: Set<String>) -> Bool {
        guard let id = RuntimePaths.jobID(ofLogFile: name), !listed.contains(id),
              let target = try? FileManager.default.destinationOfSymbolicLink(atPath: paths.directory + "/" + name)
        else { return false }
        let stream = name.hasSuffix(".stdout.log") ? "stdout" : "stderr"
        return target == stateDirectory + "/logs/\(id)-1.\(stream).log" && !FileManager.default.fileExists(atPath: target)
    }

    /// The ID whose two links the daemon has made ahead for its next new job, when there
    /// is exactly one such ID with both links made.
    public func nextJobID(listed: [String]) -> String? {
        let listed = Set(listed)
        let ids = runtimeFiles.filter { isNextJobLink($0, listed: listed) }.compactMap(RuntimePaths.jobID(ofLogFile:))
        let counts = Dictionary(ids.map { ($0, 1) }, uniquingKeysWith: +)
        guard counts.count == 1, let (id, count) = counts.first, count == 2 else { return nil }
        return id
    }

    /// The `<rt>` log links of no job in `listed`, other than the next job's (one ID,
    /// possibly while its second link is being made): what a failed start or a removal
    /// must not leave behind.
    public func strayLogLinks(listed: [String]) -> [String] {
        let listedSet = Set(listed)
        let unlisted = runtimeFiles.filter { name in
            RuntimePaths.jobID(ofLogFile: name).map { !listedSet.contains($0) } ?? false
        }
        let ahead = Set(unlisted.filter { isNextJobLink($0, listed: listedSet) }.compactMap(RuntimePaths.jobID(ofLogFile:)))
        // More than one ID made ahead is itself a stray.
        guard ahead.count <= 1 else { return unlisted }
        return unlisted.filter { !ahead.contains(RuntimePaths.jobID(ofLogFile: $0) ?? "") }
    }
}
