/// The `-d/--description` of `add` and `run`: one line of context about a job (what it
/// is, which port, where to look), shown by `list` and in `--json` as `description`.
enum JobDescription {
    /// The description to send: nil when not given or empty (an empty one sets nothing,
    /// so `run` keeps a reused job's old description); a text spanning lines is refused,
    /// since `list` shows it as one line under the job; so is any other control character,
    /// which a terminal would obey instead of showing.
    static func validated(_ text: String?) throws(CommandFailure) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw .invalid("invalid value for --description: it must be one line of text, without control characters")
        }
        return text
    }
}
