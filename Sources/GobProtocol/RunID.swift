/// Run IDs: `<job>-<n>`, run n of a job, counted from 1. Job IDs never hold a `-`, so the
/// last one splits the two.
public enum RunID {
    /// `k3v-12`.
    public static func make(job: String, number: Int64) -> String { "\(job)-\(number)" }

    /// The job ID and run number of `id`, or nil when it is not a run ID (a job ID has no
    /// `-`; the number is a positive decimal without leading zeros).
    public static func parse(_ id: String) -> (job: String, number: Int64)? {
        guard let dash = id.utf8.lastIndex(of: UInt8(ascii: "-")) else { return nil }
        let job = String(id[..<dash])
        let digits = id.utf8[id.utf8.index(after: dash)...]
        guard !job.isEmpty, JobID.decode(job) != nil, let first = digits.first, first != UInt8(ascii: "0"),
              digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let number = Int64(String(decoding: digits, as: UTF8.self))
        else { return nil }
        return (job, number)
    }
}
