/// The log a `LogCommand` shows: one type per stream, so each command has its own type.
protocol LogStreamKind {
    static var stream: LogFileOutput.Stream { get }
}

/// The job's standard output log.
enum StdoutLog: LogStreamKind {
    static var stream: LogFileOutput.Stream { .stdout }
}

/// The job's standard error log.
enum StderrLog: LogStreamKind {
    static var stream: LogFileOutput.Stream { .stderr }
}
