/// The largest request line the daemon reads. It must admit every command the kernel
/// would start: about 2 MB of arguments and environment together, which JSON escaping
/// can make several times longer (a byte that is not UTF-8 takes six), so 16 MiB.
public enum RequestLimit {
    public static let bytes = 16 << 20
}
