@testable import GobProject
import GobTOML
import Testing

/// `config.toml`: the defaults, every key, and the faults that make the daemon refuse it.
@Suite("config.toml")
struct GobConfigTests {
    let path = "/home/u/.config/gob/config.toml"

    func parse(_ text: String) throws(GobfileError) -> GobConfig {
        try GobConfig(text: Array(text.utf8), path: path)
    }

    func fault(_ text: String) -> GobfileError? {
        do throws(GobfileError) {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func defaults() throws {
        #expect(try parse("") == GobConfig())
        #expect(try parse("[logs]\n") == GobConfig())
        #expect(GobConfig().logs == LogLimits(runsPerJob: 10, totalBytes: 2 << 30, streamBytes: 256 << 20))
        #expect(try GobConfig.load(path: "/nonexistent/gob/config.toml") == GobConfig(), "no file: the defaults")
        #expect(try GobConfig.load(path: nil) == GobConfig())
    }

    @Test func everyKey() throws {
        let config = try parse("""
            # comments are fine
            [logs]
            keep_runs = 3
            max_total = "1 GiB"
            max_stream = 1048576
            """)
        #expect(config.logs == LogLimits(runsPerJob: 3, totalBytes: 1 << 30, streamBytes: 1 << 20))
        #expect(try parse("logs.max_stream = \"64KiB\"\n").logs.streamBytes == 64 << 10, "a dotted key works too")
    }

    @Test func sizes() {
        #expect(SizeSyntax.bytes("512KiB") == 512 << 10)
        #expect(SizeSyntax.bytes("2GiB") == 2 << 30)
        #expect(SizeSyntax.bytes("1TiB") == 1 << 40)
        #expect(SizeSyntax.bytes("100B") == 100)
        #expect(SizeSyntax.bytes("2 MiB") == 2 << 20)
        for bad in ["", "MiB", "2GB", "2 gib", "-1MiB", "1.5GiB", "99999999999999999999TiB", "2"] {
            #expect(SizeSyntax.bytes(bad) == nil, "\(bad)")
        }
        #expect(SizeSyntax.text(256 << 20) == "256MiB")
        #expect(SizeSyntax.text(1000) == "1000B")
        #expect(SizeSyntax.text(3 << 10) == "3KiB")
    }

    @Test func faultsNameTheLine() {
        let cases: [(String, Int?, String)] = [
            ("[logs]\nkeep_runs = 2\nmax_streams = 1\n", 3,
             "unknown key \"max_streams\" in [logs] (gob knows keep_runs, max_total, max_stream)"),
            ("\n\nverbose = 1\n", 3, "unknown key \"verbose\" (gob knows the table [logs])"),
            ("[logs]\nkeep_runs = 2.5\n", 2, "\"keep_runs\" must be a whole number"),
            ("[logs]\nkeep_runs = -1\n", 2, "\"keep_runs\" must be between 1 and 1000000, not -1"),
            ("[logs]\nmax_total = [1]\n", 2, "\"max_total\" must be a size such as \"256MiB\", or a number of bytes"),
            ("[logs]\nmax_total = \"lots\"\n", 2,
             "invalid max_total \"lots\": expected a size such as \"512KiB\", \"256MiB\" or \"2GiB\""),
            ("[logs]\nmax_stream = 100\n", 2, "\"max_stream\" must be between 16KiB and 1PiB, not 100B"),
            ("[logs]\nmax_total = \"2048TiB\"\n", 2, "\"max_total\" must be between 16KiB and 1PiB, not 2048TiB"),
            ("logs = \"big\"\n", 1, "\"logs\" must be a table ([logs])"),
        ]
        for (text, line, message) in cases {
            let error = fault(text)
            #expect(error == GobfileError(path: path, line: line, message: message), "\(text)")
        }
        let syntax = fault("[logs]\nkeep_runs = \n")
        #expect(syntax?.line == 2 && syntax?.message.hasPrefix("invalid TOML: ") == true, "\(String(describing: syntax))")
        #expect(fault("[logs]\u{0}")?.message == "invalid TOML: a NUL byte")
    }

    @Test func thePathFollowsXDG() {
        #expect(GobConfig.path(xdgConfigHome: "/x/conf", home: "/home/u") == "/x/conf/gob/config.toml")
        #expect(GobConfig.path(xdgConfigHome: "relative", home: "/home/u") == "/home/u/.config/gob/config.toml")
        #expect(GobConfig.path(xdgConfigHome: nil, home: "/home/u/") == "/home/u/.config/gob/config.toml")
        #expect(GobConfig.path(xdgConfigHome: nil, home: nil) == nil)
    }
}
