/// The separators and key of each member of one object written by hand, in
/// `JSON.write`'s layout (`JobSnapshot.writeJSON`).
struct JSONObjectWriter {
    let indent: Int?
    let level: Int
    var first = true

    /// Writes `,` unless first, the line break and indentation, `"name":` and, when
    /// indenting, a space. Keys are plain ASCII, so they need no escaping.
    mutating func key(_ name: StaticString, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        JSON.newline(&out, indent: indent, level: level + 1)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
    }
}
