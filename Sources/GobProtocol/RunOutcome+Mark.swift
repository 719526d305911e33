extension RunOutcome {
    /// How a run (or a job's last run) ended, in a few characters: `✓ 0`, `✗ 2`,
    /// `✗ SIGKILL`, `■ stopped by gob` (`■ stopped` when `short`), `? lost`, `? unknown`;
    /// without Unicode `ok 0`, `! 2`, `- stopped by gob`. Empty while it runs (nil).
    public static func mark(_ outcome: RunOutcome?, exitCode: Int32?, signal: String?, unicode: Bool, short: Bool = false) -> String {
        switch outcome {
        case nil:
            return ""
        case .success?:
            return (unicode ? "✓ " : "ok ") + (exitCode.map(String.init) ?? "0")
        case .failure?:
            return (unicode ? "✗ " : "! ") + (exitCode.map(String.init) ?? signal ?? "?")
        case .stopped?:
            return (unicode ? "■" : "-") + (short ? " stopped" : " stopped by gob")
        case .lost?:
            return "? lost"
        case .unknown?:
            return "? unknown"
        }
    }
}
