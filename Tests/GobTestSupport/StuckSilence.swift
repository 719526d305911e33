/// Shortens how long a run must be silent before `gob run` and `gob await` call it stuck,
/// so tests need not wait the minute users get.
///
/// `GOB_DEBUG_STUCK_SILENCE_MS` (milliseconds) is read by debug builds of the client only
/// (`StuckWatch.silenceNanoseconds`, under `#if DEBUG`); a release build ignores it, so it
/// is not documented for users. Tests run the debug build.
public enum StuckSilence {
    /// The environment variable's name.
    public static let variable = "GOB_DEBUG_STUCK_SILENCE_MS"

    /// The environment overrides that make `milliseconds` of silence enough.
    public static func overrides(milliseconds: Int) -> [String: String?] {
        [variable: String(milliseconds)]
    }
}
