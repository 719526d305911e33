/// The shared test kit, visible in every file of this target: end-to-end test files use
/// `Sandbox`, `waitUntil`, `ProcessScan` and the rest without an import of their own.
@_exported import GobTestSupport
