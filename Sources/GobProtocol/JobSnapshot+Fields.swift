extension JobSnapshot {
    /// The value of `field`: where each `JobField` meets its property. The setter takes
    /// what `JobField.read` made for the field's kind.
    subscript(field: JobField) -> JobField.Value {
        get {
            switch field {
            case .id: .text(id)
            case .pid: .integer(Int64(pid))
            case .status: .text(status.rawValue)
            case .command: .words(command)
            case .workdir: .bytes(workdir)
            case .createdAt: .text(createdAt)
            case .stdoutPath: .text(stdoutPath)
            case .stderrPath: .text(stderrPath)
            case .exitCode: .optional(exitCode.map(Int64.init))
            case .signal: .optional(signal)
            case .endedAt: .optional(endedAt)
            case .startedAt: .optional(startedAt)
            case .runTime: .optional(runTimeMilliseconds)
            case .description: .optional(description)
            case .stoppedByGob: .flag(stoppedByGob)
            case .run: .optional(run)
            case .runs: .integer(runs)
            case .stats: .counts(.stats, stats.values)
            case .estimate: estimate.map { .counts(.estimate, $0.values) } ?? .null
            case .outcome: .optional(outcome?.rawValue)
            case .readyLog: .optional(readyLog)
            case .readyPort: .optional(readyPort.map(Int64.init))
            case .readyTimeout: .optional(readyTimeoutMilliseconds)
            case .readiness: .optional(readiness)
            case .readyAt: .optional(readyAt)
            case .readyAfter: .optional(readyAfterMilliseconds)
            case .readyListener: .listener(readyListener)
            case .ports: .ports(ports)
            case .gobfileName: .optional(gobfileName)
            }
        }
        set {
            switch field {
            case .id: id = newValue.text
            case .pid: pid = newValue.int32
            case .status: status = newValue.status
            case .command: command = newValue.words
            case .workdir: workdir = newValue.bytes
            case .createdAt: createdAt = newValue.text
            case .stdoutPath: stdoutPath = newValue.text
            case .stderrPath: stderrPath = newValue.text
            case .exitCode: exitCode = newValue.optionalInt32
            case .signal: signal = newValue.optionalText
            case .endedAt: endedAt = newValue.optionalText
            case .startedAt: startedAt = newValue.optionalText
            case .runTime: runTimeMilliseconds = newValue.optionalInt64
            case .description: description = newValue.optionalText
            case .stoppedByGob: stoppedByGob = newValue.flag
            case .run: run = newValue.optionalText
            case .runs: runs = newValue.count
            case .stats: stats = newValue.counts.map(RunStats.init(values:)) ?? RunStats()
            case .estimate: estimate = newValue.counts.flatMap { RunEstimate(values: $0.map(Optional.some)) }
            case .outcome: outcome = newValue.optionalText.flatMap(RunOutcome.init(rawValue:))
            case .readyLog: readyLog = newValue.optionalText
            case .readyPort: readyPort = newValue.optionalInt64.map { Int(clamping: $0) }
            case .readyTimeout: readyTimeoutMilliseconds = newValue.optionalInt64
            case .readiness: readiness = newValue.optionalText
            case .readyAt: readyAt = newValue.optionalText
            case .readyAfter: readyAfterMilliseconds = newValue.optionalInt64
            case .readyListener: readyListener = newValue.listener
            case .ports: ports = newValue.ports
            case .gobfileName: gobfileName = newValue.optionalText
            }
        }
    }
}
