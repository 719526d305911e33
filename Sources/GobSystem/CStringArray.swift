import Glibc

/// A NULL-terminated `char *[]` (an `argv` or `envp`) in C memory, freed with the value:
/// built once, so a spawn that is timed or retried converts no string on its way.
public final class CStringArray {
    /// The pointers, the last one nil; what `posix_spawn` and `execve` take (a Swift array
    /// passes as a pointer to its first element).
    public let pointers: [UnsafeMutablePointer<CChar>?]

    /// Copies the UTF-8 of `strings`.
    public convenience init(_ strings: [String]) {
        self.init(bytes: strings.map { Array($0.utf8) })
    }

    /// Copies each byte string as it is: an argument or an environment entry need not be
    /// UTF-8. A NUL inside one cuts it there, as any C reader would.
    public init(bytes strings: [[UInt8]]) {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count + 1)
        for string in strings {
            let copy = malloc(string.count + 1)?.assumingMemoryBound(to: CChar.self)
            if let copy {
                string.withUnsafeBytes { source in
                    UnsafeMutableRawPointer(copy).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(copy), byteCount: source.count)
                }
                copy[string.count] = 0
            }
            pointers.append(copy)
        }
        pointers.append(nil)
        self.pointers = pointers
    }

    deinit {
        for pointer in pointers { free(pointer) }
    }

    /// The number of strings (without the closing nil).
    public var count: Int { pointers.count - 1 }
}
