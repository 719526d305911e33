/// A dialog drawn instead of the main screen (contract §6.5).
public enum Dialog: Equatable, Sendable {
    case newJob(TextInput)
    case help
}
