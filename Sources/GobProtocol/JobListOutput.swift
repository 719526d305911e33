import Glibc

/// `list --json`'s output, line feed included, as `JobListTranscoder.transcodeInPlace`
/// leaves it: in the reply's own memory, or in memory of its own once the output ran out
/// of room there, which `release` frees.
public struct JobListOutput {
    /// The output's bytes: valid while the reply's memory is, and until `release`.
    public let bytes: UnsafeBufferPointer<UInt8>
    let allocated: UnsafeMutablePointer<UInt8>?

    /// Frees the memory of its own, if any.
    public func release() {
        free(allocated)
    }
}
