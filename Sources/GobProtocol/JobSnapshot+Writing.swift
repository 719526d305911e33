extension JobSnapshot {
    /// Writes `json` (with `logPaths`) or `listJSON` (without) exactly as
    /// `JSON.write(into:indent:level:)` writes them, without building the value first: the
    /// daemon answers `list`, and the client prints `list --json`, for thousands of jobs,
    /// and the tree's allocations and reference counting were most of that time.
    public func writeJSON(into out: inout [UInt8], logPaths: Bool, indent: Int?, level: Int) {
        var object = JSONObjectWriter(indent: indent, level: level)
        out.append(UInt8(ascii: "{"))
        object.key("id", into: &out)
        JSON.writeString(id, into: &out)
        object.key("pid", into: &out)
        JSON.writeInteger(Int64(pid), into: &out)
        object.key("status", into: &out)
        JSON.writeString(status.rawValue, into: &out)
        object.key("command", into: &out)
        if command.isEmpty {
            out.append(contentsOf: "[]".utf8)
        } else {
            out.append(UInt8(ascii: "["))
            for (n, word) in command.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSON.newline(&out, indent: indent, level: level + 2)
                JSON.writeString(word, into: &out)
            }
            JSON.newline(&out, indent: indent, level: level + 1)
            out.append(UInt8(ascii: "]"))
        }
        object.key("workdir", into: &out)
        JSON.writeString(workdir, into: &out)
        object.key("created_at", into: &out)
        JSON.writeString(createdAt, into: &out)
        if logPaths {
            object.key("stdout_path", into: &out)
            JSON.writeString(stdoutPath, into: &out)
            object.key("stderr_path", into: &out)
            JSON.writeString(stderrPath, into: &out)
        }
        object.key("exit_code", into: &out)
        Self.write(exitCode.map(Int64.init), into: &out)
        object.key("signal", into: &out)
        Self.write(signal, into: &out)
        object.key("ended_at", into: &out)
        Self.write(endedAt, into: &out)
        object.key("started_at", into: &out)
        Self.write(startedAt, into: &out)
        object.key("run_time_ms", into: &out)
        Self.write(runTimeMilliseconds, into: &out)
        object.key("description", into: &out)
        Self.write(description, into: &out)
        object.key("stopped_by_gob", into: &out)
        out.append(contentsOf: (stoppedByGob ? "true" : "false").utf8)
        JSON.newline(&out, indent: indent, level: level)
        out.append(UInt8(ascii: "}"))
    }

    /// `list --json`'s output (§2.5) without its final line feed: the jobs' `listJSON`
    /// in a two-space indented array, as `JSON.array(…).pretty` writes it.
    public static func writeList(_ jobs: [JobSnapshot], into out: inout [UInt8]) {
        if jobs.isEmpty {
            out.append(contentsOf: "[]".utf8)
            return
        }
        out.append(UInt8(ascii: "["))
        for n in jobs.indices {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSON.newline(&out, indent: 2, level: 1)
            jobs[n].writeJSON(into: &out, logPaths: false, indent: 2, level: 1)
        }
        JSON.newline(&out, indent: 2, level: 0)
        out.append(UInt8(ascii: "]"))
    }

    private static func write(_ value: String?, into out: inout [UInt8]) {
        if let value { JSON.writeString(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    private static func write(_ value: Int64?, into out: inout [UInt8]) {
        if let value { JSON.writeInteger(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
    }
}
