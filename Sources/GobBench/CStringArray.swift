#if canImport(Glibc)
import Glibc
#endif

/// A NULL-terminated `char *[]` (argv, envp) built once and freed on deinit, so a timed
/// spawn does no string conversion inside the measured window.
final class CStringArray {
    private let base: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    /// Copies `strings` into C memory.
    init(_ strings: [String]) {
        count = strings.count
        base = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            (base + index).initialize(to: strdup(string))
        }
        (base + strings.count).initialize(to: nil)
    }

    deinit {
        for index in 0..<count { free(base[index]) }
        base.deinitialize(count: count + 1)
        base.deallocate()
    }

    /// The array for a C call; valid while this object lives.
    var pointer: UnsafePointer<UnsafeMutablePointer<CChar>?> { UnsafePointer(base) }
}
