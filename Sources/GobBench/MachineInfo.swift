import Glibc
import Foundation
import GobSystem

/// The machine a run was measured on, for the report's machine line.
struct MachineInfo {
    /// `uname -srm`, e.g. `Linux 6.1.0-18-amd64 x86_64`.
    let system: String
    let cpuModel: String
    let processors: Int
    /// When the run started, UTC, ISO 8601.
    let date: String
    /// The 1, 5 and 15 minute load averages when the run started: other work on the
    /// machine is noise the interleaving can only partly cancel.
    let load: String

    /// This machine, now.
    static func current() -> MachineInfo {
        var names = utsname()
        let system: String
        if uname(&names) == 0 {
            system = [text(of: names.sysname), text(of: names.release), text(of: names.machine)].joined(separator: " ")
        } else {
            system = "unknown system"
        }
        return MachineInfo(
            system: system,
            cpuModel: ProcFS.cpuModel(),
            processors: sysconf(Int32(_SC_NPROCESSORS_ONLN)),
            date: ISO8601DateFormatter().string(from: Date()),
            load: (FileText.read("/proc/loadavg") ?? "").split(separator: " ").prefix(3).joined(separator: " "))
    }

    /// A NUL-terminated C character array (a tuple to Swift) as a string.
    private static func text<T>(of field: T) -> String {
        withUnsafeBytes(of: field) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// `machine: Linux … x86_64 · <CPU> · 2 CPUs (nproc) · <date> · load <averages>`.
    var line: String {
        "machine: \(system) · \(cpuModel) · \(processors) CPUs (nproc) · \(date) · load average at start \(load)"
    }
}
