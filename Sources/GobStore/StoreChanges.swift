/// Changes of jobs and runs waiting to be written, by job: what one transaction writes.
///
/// Each entry holds the latest state of what changed, not the steps that led there, so a
/// batch that could not be written (a full disk) is kept and merged with the next one,
/// and the two are written as one; writing the same changes twice leaves the same
/// database.
public struct StoreChanges: Sendable, Equatable {
    /// What changed for one job ID.
    public struct Entry: Sendable, Equatable {
        /// Delete what is stored under this ID (the job and its runs) before writing: the
        /// job was removed, or the ID was given to a new job.
        public var replacesStored = false
        /// The job's row as it is now; nil: unchanged (or deleted, with `replacesStored`).
        public var job: StoredJob?
        /// Runs as they are now, by number.
        public var runs: [Int64: RunRecord] = [:]
        /// Runs deleted.
        public var removedRuns: Set<Int64> = []
        /// Runs up to this number lose their logs (their records stay).
        public var pruneLogsThrough: Int64?

        public init() {}

        /// `newer` applied on top of this entry.
        func merged(with newer: Entry) -> Entry {
            if newer.replacesStored { return newer }
            var merged = self
            if let job = newer.job { merged.job = job }
            merged.runs.merge(newer.runs) { _, later in later }
            merged.removedRuns.formUnion(newer.removedRuns)
            for number in newer.removedRuns { merged.runs[number] = nil }
            if let through = newer.pruneLogsThrough {
                merged.pruneLogsThrough = max(merged.pruneLogsThrough ?? through, through)
            }
            return merged
        }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// Notes the job's row as it is now.
    public mutating func write(_ job: StoredJob) {
        entries[job.id, default: Entry()].job = job
    }

    /// Notes a run as it is now.
    public mutating func write(_ run: RunRecord) {
        entries[run.jobID, default: Entry()].runs[run.number] = run
    }

    /// Notes that whatever is stored under the job's ID goes first (a new job took the ID),
    /// and forgets what was noted for that ID before, which concerned the old job: note
    /// the new job's runs after it.
    public mutating func replace(_ job: StoredJob) {
        var entry = Entry()
        entry.replacesStored = true
        entry.job = job
        entries[job.id] = entry
    }

    /// Notes that the job and all its runs are deleted.
    public mutating func removeJob(_ jobID: String) {
        var entry = Entry()
        entry.replacesStored = true
        entries[jobID] = entry
    }

    /// Notes that one run is deleted.
    public mutating func removeRun(jobID: String, number: Int64) {
        entries[jobID, default: Entry()].runs[number] = nil
        entries[jobID, default: Entry()].removedRuns.insert(number)
    }

    /// Notes that the logs of the job's runs up to `number` are deleted.
    public mutating func pruneLogs(jobID: String, through number: Int64) {
        let current = entries[jobID]?.pruneLogsThrough
        entries[jobID, default: Entry()].pruneLogsThrough = max(current ?? number, number)
    }

    /// `newer` applied on top of these changes.
    public mutating func merge(_ newer: StoreChanges) {
        for (id, entry) in newer.entries {
            entries[id] = entries[id].map { $0.merged(with: entry) } ?? entry
        }
    }
}

/// A run whose logs a write marked as deleted: the caller deletes its files.
public struct RunKey: Sendable, Equatable, Hashable {
    public var jobID: String
    public var number: Int64

    public init(jobID: String, number: Int64) {
        self.jobID = jobID
        self.number = number
    }
}
