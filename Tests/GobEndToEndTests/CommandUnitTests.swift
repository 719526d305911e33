@testable import GobCommands
import Testing

/// The pure pieces of the new commands: durations, flag values, completion positions,
/// sizes.
@Suite("Command helpers")
struct CommandUnitTests {
    @Test(arguments: [
        (0, "0.0s"), (49, "0.0s"), (50, "0.1s"), (3_200, "3.2s"), (59_949, "59.9s"), (59_950, "1m00s"),
        (65_000, "1m05s"), (3_599_499, "59m59s"), (3_599_500, "1h00m"), (7_380_000, "2h03m"),
        (86_370_000, "1d00h"), (273_600_000, "3d04h"), (-5, "0.0s"),
    ])
    func durations(milliseconds: Int64, text: String) {
        #expect(DurationText.format(milliseconds: milliseconds) == text)
    }

    @Test func flagValues() throws {
        #expect(try FlagValue.lineCount("12", flag: "--tail") == 12)
        #expect(try FlagValue.lineCount(nil, flag: "--tail") == nil)
        #expect(throws: CommandFailure.invalid("invalid value \"x\" for --tail: expected a whole number of lines")) {
            try FlagValue.lineCount("x", flag: "--tail")
        }
        #expect(throws: CommandFailure.invalid("invalid value \"-3\" for --tail: must be 0 or more")) {
            try FlagValue.lineCount("-3", flag: "--tail")
        }
        #expect(try FlagValue.milliseconds(fromSeconds: "0.5", flag: "--timeout") == 500)
        #expect(try FlagValue.milliseconds(fromSeconds: "2", flag: "--timeout") == 2000)
        #expect(try FlagValue.milliseconds(fromSeconds: "0", flag: "--timeout") == 0)
        #expect(throws: CommandFailure.invalid("invalid value \"-1\" for --timeout: must be 0 or more")) {
            try FlagValue.milliseconds(fromSeconds: "-1", flag: "--timeout")
        }
        #expect(throws: CommandFailure.invalid("invalid value \"abc\" for --timeout: expected seconds")) {
            try FlagValue.milliseconds(fromSeconds: "abc", flag: "--timeout")
        }
        #expect(throws: CommandFailure.self) { try FlagValue.milliseconds(fromSeconds: "nan", flag: "--timeout") }
    }

    @Test(arguments: [
        ("90s", 90_000), ("2m", 120_000), ("1m30s", 90_000), ("500ms", 500), ("1.5s", 1_500), ("90", 90_000),
        ("1h", 3_600_000), ("0.0001s", 1), ("720h", 2_592_000_000),
    ] as [(String, Int64)])
    func readyTimeouts(text: String, milliseconds: Int64) throws {
        #expect(try FlagValue.milliseconds(fromDuration: text, flag: "--ready-timeout") == milliseconds)
    }

    @Test(arguments: ["", "s", "90x", "1m30", "-5s", "0s", "0", "721h", "1..5s", "nan", "inf", " 5s", "5 s"])
    func badReadyTimeouts(text: String) {
        #expect(throws: CommandFailure.self) { try FlagValue.milliseconds(fromDuration: text, flag: "--ready-timeout") }
    }

    @Test func completionPositions() {
        let words = ["gob", "await", "--timeout", "5", "A", "-", "B", "--", "-x", ""]
        let valueOptions: Set = ["--timeout"]
        #expect(JobCompletion.positional(words, 1, valueOptions: valueOptions) == nil)
        #expect(JobCompletion.positional(words, 2, valueOptions: valueOptions) == nil, "an option")
        #expect(JobCompletion.positional(words, 3, valueOptions: valueOptions) == nil, "an option's value")
        #expect(JobCompletion.positional(words, 4, valueOptions: valueOptions) == 0)
        #expect(JobCompletion.positional(words, 6, valueOptions: valueOptions) == 2, "- is a positional")
        #expect(JobCompletion.positional(words, 9, valueOptions: valueOptions) == 4, "after --, everything is")
        #expect(JobCompletion.positional(["gob", "stop", "-f", ""], 3, valueOptions: []) == 0)
        #expect(JobCompletion.positional(["gob", "signal", "ID", "TE"], 3, valueOptions: []) == 1)
    }

    @Test func byteSizes() {
        #expect(Invocation.byteSize(800 * 1024) == "800 KiB")
        #expect(Invocation.byteSize(5_347_738) == "5.1 MiB")
        #expect(Invocation.byteSize(3 * 1_073_741_824 / 2) == "1.5 GiB")
    }
}
