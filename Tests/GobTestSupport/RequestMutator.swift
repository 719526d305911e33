/// Mutations of request lines for fuzzing the decoder and a live daemon: bytes replaced,
/// removed, inserted (JSON punctuation, digits, keywords, NUL, newline, invalid UTF-8),
/// truncations and repeated stretches.
public enum RequestMutator {
    static let interesting: [UInt8] = Array(#"{}[]",:\"0123456789-.eE truefalsenull"#.utf8) + [0x00, 0x0A, 0xFF, 0xC3, 0x80]

    /// One to eight mutations of `bytes`.
    public static func mutate(_ bytes: [UInt8], using random: inout SplitMix) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            guard !bytes.isEmpty else { bytes.append(interesting.randomElement(using: &random) ?? 0); continue }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[at] = interesting.randomElement(using: &random) ?? 0
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(interesting.randomElement(using: &random) ?? 0, at: at)
            case 3: bytes = Array(bytes[..<at])
            default: bytes.insert(contentsOf: bytes[at...].prefix(16), at: at)
            }
        }
        return bytes
    }
}
