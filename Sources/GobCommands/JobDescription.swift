/// The `-d/--description` of `add` and `run`: one line of context about a job (what it
/// is, which port, where to look), shown by `list` and in `--json` as `description`.
enum JobDescription {
    /// The description to send: nil when not given or empty (an empty one sets nothing,
    /// so `run` keeps a reused job's old description); a text spanning lines is refused,
    /// since `list` shows it as one line under the job.
    static func validated(_ text: String?) throws(CommandFailure) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard !text.contains(where: { $0 == "\n" || $0 == "\r" }) else {
            throw CommandFailure("invalid argument for \"-d, --description\" flag: the description must be one line")
        }
        return text
    }
}
