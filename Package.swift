// swift-tools-version: 6.0
import PackageDescription

/// Settings shared by every target of ours: Swift 6 mode is the default for tools 6.0;
/// warnings are errors only in CI (see .ci/run), so local iteration stays quick.
///
/// Release builds reach the metadata of generic types (`[String: Int32]`, an optional of
/// ours) through their accessor functions instead of by mangled name: the runtime
/// demangled each name at its first use and checked its generic requirements by scanning
/// every protocol conformance of the executable, 3.9 M of the 32 M instructions of a
/// daemon starting with 1,000 jobs (docs/performance.md).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release)),
]

/// What `gob --version` prints: `GOB_VERSION` from the environment of the build
/// (`GOB_VERSION=0.12.0 swift build -c release`), else "dev". Only characters a version
/// has are kept, so the value cannot break the C string it becomes.
let version: String = {
    let given = Context.environment["GOB_VERSION"] ?? ""
    let allowed = given.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._+-".contains($0)) }
    return allowed.isEmpty ? "dev" : allowed
}()

/// What a static release link needs by name beyond Swift's own libraries: the dynamic
/// modules a static link compiles against do not name the static archives' dependencies.
/// The client `gob` gets FoundationEssentials through ArgumentParser.
let staticEssentials = ["_FoundationCollections", "_FoundationCShims", "FoundationEssentials", "swiftSynchronization"]
/// The daemon `gob-daemon` gets all of Foundation (with ICU, which needs libstdc++ after
/// it) through GRDB and TOMLKit.
let staticFoundation = staticEssentials + [
    "Foundation", "FoundationInternationalization", "CoreFoundation", "_FoundationICU", "BlocksRuntime", "stdc++", "m",
]

/// A fully static release executable that links `libraries` by name (debug builds and
/// tests stay dynamic), laid out by `link-order/<executable>.txt`.
///
/// The order file lists the functions and data the everyday commands touch; LLVM's `lld`
/// (shipped with the Swift toolchain) places them side by side at the front of the image,
/// so a start faults in a few dozen pages instead of pages all over 11 MB of code (`gob
/// list` 149 → 110 page faults, ≈ 0.15 ms; docs/performance.md). `bench/link-order`
/// regenerates the file; names it no longer finds only lose their place.
func staticRelease(_ executable: String, _ libraries: [String]) -> [LinkerSetting] {
    let order = Context.packageDirectory + "/link-order/" + executable + ".txt"
    let flags = [
        "-static-executable", "-use-ld=lld",
        "-Xlinker", "--symbol-ordering-file=" + order, "-Xlinker", "--no-warn-symbol-ordering",
    ]
    return [.unsafeFlags(flags, .when(platforms: [.linux], configuration: .release))]
        + libraries.map { .linkedLibrary($0, .when(platforms: [.linux], configuration: .release)) }
}

let package = Package(
    name: "gob",
    products: [
        .executable(name: "gob", targets: ["gob"]),
        .executable(name: "gob-daemon", targets: ["GobDaemonMain"]),
        .executable(name: "gob-bench", targets: ["GobBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        // SQLite for the daemon's durable state; builds against Debian's libsqlite3-dev.
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        // What Swift's Glibc module cannot reach: posix_spawn with setsid/chdir/closefrom,
        // SO_PEERCRED, prctl, pipe2/accept4, signal pipes, terminal modes.
        .target(name: "CGobShims"),
        // The build's version, set at build time (see `version` above).
        .target(name: "CGobVersion", cSettings: [.define("GOB_VERSION", to: "\"\(version)\"")]),
        // The operating system, once: write and read loops, Unix socket addresses, C string
        // arrays, /proc, the monotonic clock, threads, readiness pipes, error wording. The
        // one place another platform would plug in (gob builds and runs on Linux).
        .target(
            name: "GobSystem",
            dependencies: ["CGobShims", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict),
        // Wire types, JSON, paths, job IDs, signal names. No Foundation: the client pays
        // for every import at every call.
        .target(name: "GobProtocol", dependencies: ["CGobVersion", "GobSystem"], swiftSettings: strict),
        // The daemon's durable state: jobs, runs and their history in SQLite (GRDB; writes
        // through SQLite's own interface, GRDBSQLite). The only module that imports GRDB;
        // its interface shows neither GRDB nor Foundation, and no client code path calls
        // into it.
        .target(
            name: "GobStore",
            dependencies: [
                "GobProtocol", "GobSystem", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        // A project's `.config/gobfile.toml`: finding it, its entries, its faults, and the
        // JSON the daemon sends it to clients in. No TOML parser: clients link this.
        .target(name: "GobProject", dependencies: ["GobProtocol", "GobSystem"], swiftSettings: strict),
        // gob's TOML files read with TOMLKit (which brings Foundation): the gobfile's parser
        // and `config.toml`. Only the daemon links it.
        .target(
            name: "GobTOML",
            dependencies: ["GobProject", "GobProtocol", "GobSystem", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict),
        .target(
            name: "GobDaemon",
            dependencies: [
                "GobProtocol", "GobSystem", "GobStore", "GobProject", "GobTOML", "CGobShims",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(name: "GobClient", dependencies: ["GobProtocol", "GobSystem", "GobProject", "CGobShims"], swiftSettings: strict),
        // The full-screen UI: pure model → update → render, one terminal adapter.
        .target(name: "GobTUI", dependencies: ["GobProtocol", "GobSystem", "GobClient", "GobProject", "CGobShims"], swiftSettings: strict),
        .target(
            name: "GobCommands",
            dependencies: [
                "GobProtocol", "GobSystem", "GobClient", "GobProject", "GobTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // Release `gob` and `gob-daemon` are fully static executables: no dynamic loader,
        // relocations or shared-library page faults at each start (`gob list` 5.1 → 2.3 ms;
        // with only `-static-stdlib` 3.6 ms; docs/performance.md). SQLite comes from
        // Debian's libsqlite3.a.
        //
        // `gob` is every command a user types; `gob-daemon`, beside it, is the daemon the
        // commands start. Two images so that the client's start-up pays nothing for the
        // daemon's store (GRDB), TOML parser (TOMLKit) and the Foundation with ICU they
        // bring (≈ 70 page faults and 0.2 ms per command; docs/performance.md).
        .executableTarget(name: "gob", dependencies: ["GobCommands"], swiftSettings: strict, linkerSettings: staticRelease("gob", staticEssentials)),
        .executableTarget(
            name: "GobDaemonMain", dependencies: ["GobDaemon", "GobProtocol", "GobSystem"], swiftSettings: strict,
            linkerSettings: staticRelease("gob-daemon", staticFoundation)),
        // The benchmark that holds gob against tmux (docs/performance.md). It writes large
        // histories straight into a state database (`GobStore`) to measure daemons that
        // hold them.
        .executableTarget(name: "GobBench", dependencies: ["GobProtocol", "GobSystem", "GobStore", "CGobShims"], swiftSettings: strict),
        // What the test targets share: sandboxes around the built `gob`, waits that end on
        // the event itself, process and socket helpers, bounded end-to-end parallelism.
        .target(name: "CGobTestShims", path: "Tests/CGobTestShims"),
        .target(
            name: "GobTestSupport",
            dependencies: [
                "GobProtocol", "GobSystem", "GobStore", "CGobShims", "CGobTestShims", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/GobTestSupport",
            swiftSettings: strict),
        .testTarget(name: "GobSystemTests", dependencies: ["GobSystem", "GobTestSupport"], swiftSettings: strict),
        .testTarget(name: "GobProtocolTests", dependencies: ["GobProtocol", "GobSystem", "GobTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GobDaemonTests",
            dependencies: [
                "GobDaemon", "GobProject", "GobTOML", "GobProtocol", "GobSystem", "GobTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "GobStoreTests",
            dependencies: [
                "GobStore", "GobProtocol", "GobSystem", "GobTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict),
        .testTarget(
            name: "GobProjectTests", dependencies: ["GobProject", "GobTOML", "GobProtocol", "GobSystem", "GobTestSupport"], swiftSettings: strict),
        .testTarget(name: "GobClientTests", dependencies: ["GobClient", "GobProtocol", "GobSystem", "GobTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GobTUITests", dependencies: ["GobTUI", "GobProject", "GobTOML", "GobProtocol", "GobSystem", "GobTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GobEndToEndTests",
            dependencies: ["GobProtocol", "GobSystem", "GobCommands", "CGobShims", "GobTestSupport"],
            swiftSettings: strict),
    ]
)
