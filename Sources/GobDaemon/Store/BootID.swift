import Glibc
import GobProtocol

/// The identity of the current boot (`/proc/sys/kernel/random/boot_id`): a run recorded
/// as running under another boot id ended when the machine went down.
public enum BootID {
    /// The current boot's id. Debug builds read `GOB_TEST_BOOT_ID` first, so that tests
    /// can simulate a reboot; release builds never look at it.
    public static func current() -> String {
        #if DEBUG
        if let simulated = environmentValue("GOB_TEST_BOOT_ID"), !simulated.isEmpty { return simulated }
        #endif
        let fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "unknown" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return "unknown" }
        let text = String(decoding: buffer[0..<count], as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? "unknown"
    }
}
