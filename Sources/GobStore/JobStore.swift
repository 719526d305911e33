/// What the job supervisor asks of the durable store: a seam, so that tests can stall a
/// write, make it fail, or do without a database.
public protocol JobStore: Sendable {
    /// Writes `changes` in one transaction: all of them, or none. Returns the runs whose
    /// logs it marked as pruned, whose files the caller deletes.
    func write(_ changes: StoreChanges) throws(StoreError) -> [RunKey]
    /// The job's runs, newest first; at most `limit` (nil: all).
    func runs(ofJob jobID: String, limit: Int?) throws(StoreError) -> [RunRecord]
    /// One run of a job, if it is on record.
    func run(ofJob jobID: String, number: Int64) throws(StoreError) -> RunRecord?
    /// The job's summary computed afresh from its runs on record, but for run `excluded`.
    func summary(ofJob jobID: String, excluding excluded: Int64?) throws(StoreError) -> RunSummary
    /// Whether the database is still where a later daemon will look for it (it was not
    /// deleted or replaced under this one).
    var isInPlace: Bool { get }
}
