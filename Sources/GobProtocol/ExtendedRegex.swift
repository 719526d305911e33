import Glibc

/// A POSIX extended regular expression (`regcomp` with `REG_EXTENDED`), the dialect of
/// `grep -E`: what `--ready-log` takes. The C library's engine, not Swift's `Regex`: it
/// costs the client nothing to load, and the daemon and the client agree on what a
/// pattern means because both ask the same engine.
///
/// `@unchecked Sendable`: the compiled pattern is never changed after `init`, and
/// `regexec` on a compiled pattern is safe from any thread (POSIX).
public final class ExtendedRegex: @unchecked Sendable {
    /// The pattern as given.
    public let pattern: String
    private let compiled: UnsafeMutablePointer<regex_t>

    /// Why a pattern was refused: the C library's own words (`Unmatched ( or \(`).
    public struct PatternError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The longest pattern taken: a readiness line is short, and the engine's work grows
    /// with the pattern.
    public static let longestPattern = 1024
    /// The largest product of a pattern's repetition counts (`{n,m}`): nested counts
    /// multiply the engine's automaton, and `((a{1000}){1000}){10}` alone made `regcomp`
    /// take 5 seconds and 1.8 GB.
    public static let largestRepetition = 10_000

    /// Compiles `pattern`. Refused besides what the engine refuses: an empty pattern (it
    /// would match every line), a NUL byte (the engine would stop reading there),
    /// back-references (`\1`: not POSIX extended syntax, and exponential to match), and a
    /// pattern too long or with too large repetition counts — the daemon compiles every
    /// pattern it is sent, and no request may make it spend seconds or gigabytes.
    public init(_ pattern: String) throws(PatternError) {
        guard !pattern.isEmpty else { throw PatternError(description: "empty pattern") }
        guard !pattern.utf8.contains(0) else { throw PatternError(description: "pattern contains a NUL byte") }
        guard pattern.utf8.count <= Self.longestPattern else {
            throw PatternError(description: "pattern too long (at most \(Self.longestPattern) bytes)")
        }
        try Self.checkCost(Array(pattern.utf8))
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        compiled.initialize(to: regex_t())
        let rc = regcomp(compiled, pattern, REG_EXTENDED | REG_NOSUB)
        guard rc == 0 else {
            var message = [CChar](repeating: 0, count: 256)
            regerror(rc, compiled, &message, message.count)
            compiled.deinitialize(count: 1)
            compiled.deallocate()
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PatternError(description: text.isEmpty ? "invalid pattern" : text)
        }
        self.pattern = pattern
        self.compiled = compiled
    }

    /// Refuses back-references and repetition counts whose product exceeds
    /// `largestRepetition`. Counts are multiplied whether nested or not, which errs on
    /// the side of refusing; bracket expressions and escaped characters are skipped.
    private static func checkCost(_ bytes: [UInt8]) throws(PatternError) {
        var product = 1
        var index = 0
        func at(_ position: Int) -> UInt8? { position < bytes.count ? bytes[position] : nil }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                if let next = at(index + 1), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(next) {
                    throw PatternError(description: "back-references (\\1 to \\9) are not supported")
                }
                index += 2
            case UInt8(ascii: "["):
                // A bracket expression: a leading `^` and `]` belong to it, `[:…:]`,
                // `[.….]` and `[=…=]` may hold a `]`.
                index += 1
                if at(index) == UInt8(ascii: "^") { index += 1 }
                if at(index) == UInt8(ascii: "]") { index += 1 }
                while let byte = at(index), byte != UInt8(ascii: "]") {
                    if byte == UInt8(ascii: "["), let kind = at(index + 1),
                       kind == UInt8(ascii: ":") || kind == UInt8(ascii: ".") || kind == UInt8(ascii: "=") {
                        index += 2
                        while index < bytes.count, !(bytes[index] == kind && at(index + 1) == UInt8(ascii: "]")) { index += 1 }
                        index += 2
                    } else {
                        index += 1
                    }
                }
                index += 1
            case UInt8(ascii: "{"):
                index += 1
                var low = 0
                var high: Int?
                var comma = false
                while let byte = at(index), byte != UInt8(ascii: "}") {
                    if byte == UInt8(ascii: ",") {
                        comma = true
                    } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                        let digit = Int(byte - UInt8(ascii: "0"))
                        if comma {
                            high = min((high ?? 0) * 10 + digit, largestRepetition + 1)
                        } else {
                            low = min(low * 10 + digit, largestRepetition + 1)
                        }
                    }
                    index += 1
                }
                // `{n}` repeats n times, `{n,m}` up to m, `{n,}` n times and then a loop.
                let count = max(1, high ?? (comma ? low + 1 : low))
                product = min(product * count, largestRepetition + 1)
                if product > largestRepetition {
                    throw PatternError(
                        description: "repetition counts too large (their product may be at most \(largestRepetition))")
                }
                index += 1
            default:
                index += 1
            }
        }
    }

    deinit {
        regfree(compiled)
        compiled.deinitialize(count: 1)
        compiled.deallocate()
    }

    /// Whether the pattern matches somewhere in `line` (without its line feed). The bytes
    /// are passed with their length (`REG_STARTEND`), so no copy is made to end them.
    public func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(line.count))
        if line.isEmpty {
            return regexec(compiled, "", 1, &range, REG_STARTEND) == 0
        }
        return line.withMemoryRebound(to: CChar.self) { text in
            regexec(compiled, text.baseAddress, 1, &range, REG_STARTEND) == 0
        }
    }

    /// Whether the pattern matches somewhere in `line`.
    public func matches(_ line: [UInt8]) -> Bool {
        line.withUnsafeBufferPointer { matches($0) }
    }
}
