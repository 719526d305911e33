import Glibc

/// Signal names and numbers: what `gob signal` accepts, and the name (`SIGTERM`) gob
/// gives the signal that ended a job.
public enum SignalName {
    /// The names `gob signal` accepts, without `SIG`, as upstream does.
    public static let accepted: [(String, Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("KILL", SIGKILL), ("TERM", SIGTERM),
        ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("STOP", SIGSTOP), ("CONT", SIGCONT), ("ALRM", SIGALRM),
        ("PIPE", SIGPIPE), ("CHLD", SIGCHLD), ("ABRT", SIGABRT), ("TRAP", SIGTRAP),
    ]

    /// Every standard signal, for naming a job's terminating signal.
    static let all: [(String, Int32)] = accepted + [
        ("ILL", SIGILL), ("BUS", SIGBUS), ("FPE", SIGFPE), ("SEGV", SIGSEGV), ("TSTP", SIGTSTP),
        ("TTIN", SIGTTIN), ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ),
        ("VTALRM", SIGVTALRM), ("PROF", SIGPROF), ("WINCH", SIGWINCH), ("IO", SIGIO), ("SYS", SIGSYS),
    ]

    /// Parses the argument of `gob signal`: a base-10 integer (optional sign, no range
    /// check) or a case-insensitive name with an optional `SIG` prefix. Nil: invalid.
    public static func parse(_ text: String) -> Int32? {
        if let number = parseInteger(text) { return number }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        return accepted.first(where: { $0.0 == name })?.1
    }

    /// `"SIGTERM"` for 15; `"SIG<n>"` for a number without a name.
    public static func name(of number: Int32) -> String {
        if let entry = all.first(where: { $0.1 == number }) { return "SIG" + entry.0 }
        return "SIG\(number)"
    }

    /// The number of a name as `name(of:)` writes it (`"SIGTERM"` → 15, `"SIG40"` → 40).
    public static func number(of name: String) -> Int32? {
        guard name.hasPrefix("SIG") else { return nil }
        let bare = String(name.dropFirst(3))
        if let entry = all.first(where: { $0.0 == bare }) { return entry.1 }
        return Int32(bare)
    }

    /// Go's `strconv.Atoi` shape: optional `+`/`-`, then decimal digits. A value outside
    /// 32 bits is kept out of range so the kernel refuses it, as upstream.
    private static func parseInteger(_ text: String) -> Int32? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        guard let magnitude = Int64(digits), magnitude <= Int64(Int32.max) else { return Int32.max }
        return Int32(negative ? -magnitude : magnitude)
    }
}
