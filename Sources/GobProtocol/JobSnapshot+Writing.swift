extension JobSnapshot {
    /// Writes `json` (with `logPaths`) or `listJSON` (without) exactly as
    /// `JSON.write(into:indent:level:)` writes them, without building the value first: the
    /// daemon answers `list`, and the client prints `list --json`, for thousands of jobs,
    /// and the tree's allocations and reference counting were most of that time.
    public func writeJSON(into out: inout [UInt8], logPaths: Bool, indent: Int?, level: Int) {
        var object = JSONObjectWriter(indent: indent, level: level)
        out.append(UInt8(ascii: "{"))
        for field in JobField.inOrder {
            let definition = field.definition
            guard logPaths || definition.listed else { continue }
            object.key(definition.key, into: &out)
            self[field].write(into: &out, indent: indent, level: level + 1)
        }
        JSON.newline(&out, indent: indent, level: level)
        out.append(UInt8(ascii: "}"))
    }

    /// `list --json`'s output without its final line feed: the jobs' `listJSON` in a
    /// two-space indented array, as `JSON.array(…).pretty` writes it.
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
}
