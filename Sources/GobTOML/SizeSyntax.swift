/// Sizes as `config.toml` writes them: a whole number with a binary unit (`512KiB`,
/// `256MiB`, `2GiB`, `1TiB`, or `B` for bytes), blanks allowed between the two.
public enum SizeSyntax {
    private static let units: [(suffix: String, shift: Int64)] = [
        ("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10), ("B", 0),
    ]

    /// The bytes `text` stands for; nil when it is not a size or is too large to count.
    public static func bytes(_ text: String) -> Int64? {
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count).trimmingSuffixBlanks()
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), number.count <= 18,
                  let value = Int64(number)
            else { return nil }
            let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << unit.shift)
            return overflow ? nil : bytes
        }
        return nil
    }

    /// `bytes` in the largest unit that divides it (`256MiB`), else in bytes (`1000B`).
    public static func text(_ bytes: Int64) -> String {
        for unit in units where unit.shift > 0 && bytes != 0 && bytes % (1 << unit.shift) == 0 {
            return "\(bytes >> unit.shift)\(unit.suffix)"
        }
        return "\(bytes)B"
    }
}

extension Substring {
    fileprivate func trimmingSuffixBlanks() -> Substring {
        var text = self
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
