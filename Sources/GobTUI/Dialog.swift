/// A dialog drawn instead of the main screen.
public enum Dialog: Equatable, Sendable {
    /// The new-job dialog: what is typed, and why the last `enter` started nothing.
    case newJob(TextInput, problem: String? = nil)
    case help
    /// The project's gobfile entries (`p`).
    case project(ProjectDialog)
}
