/// How long a wait may take before the test fails. It is a failsafe against a hang, never
/// a time budget: a wait ends on its event, and on a loaded two-core machine a healthy
/// event can take many times longer than on a quiet one.
public enum Failsafe {
    /// The deadline of every wait for an event.
    public static let wait: Duration = .seconds(60)
}
