import CGobShims

/// The width of the terminal a descriptor writes to, for commands that cut their lines
/// to fit (`gob list`).
public enum TerminalWidth {
    /// Columns of the terminal on `descriptor`; nil when it is not a terminal.
    public static func columns(of descriptor: Int32) -> Int? {
        var rows: Int32 = 0
        var columns: Int32 = 0
        guard gob_window_size(descriptor, &rows, &columns) == 0, columns > 0 else { return nil }
        return Int(columns)
    }
}
