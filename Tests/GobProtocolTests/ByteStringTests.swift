import GobProtocol
import Testing

/// Arguments, environment entries and paths travel byte for byte: each byte that is not
/// part of valid UTF-8 is a lone `\udc80`–`\udcff` in the JSON string, as Python's
/// `json.dumps(os.fsdecode(b))` writes it, and valid text is written as before.
@Suite("Bytes that are not UTF-8 on the wire")
struct ByteStringTests {
    static func wire(_ bytes: [UInt8]) -> String { JSON(OSString(bytes: bytes)).compact }

    static func roundTrip(_ bytes: [UInt8]) throws -> OSString? {
        try JSON(parsing: wire(bytes)).osStringValue
    }

    @Test("every byte 0x80-0xFF alone is a lone surrogate escape and comes back")
    func everyHighByteAlone() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let hex = String(byte, radix: 16)
            #expect(Self.wire([byte]) == "\"\\udc\(hex)\"")
            let value = try JSON(parsing: Self.wire([byte]))
            #expect(value == .bytes([byte]))
            #expect(value.osStringValue == OSString(bytes: [byte]))
            // Read as text, the byte is U+FFFD, never dropped.
            #expect(value.stringValue == "\u{FFFD}")
        }
    }

    @Test("every byte 0x80-0xFF inside text, beside valid UTF-8 and escapes")
    func everyHighByteMixed() throws {
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let mixed: [[UInt8]] = [
                Array("caf".utf8) + [byte],
                [byte] + Array("é<&>\"\\\n\u{2028}🙂".utf8) + [byte, byte],
                Array("é".utf8) + [byte] + Array("ü".utf8),
                [0xE2, 0x80, byte],  // a cut sequence before the byte
                [byte] + Array(" /".utf8) + [0xC3],
            ]
            for bytes in mixed {
                #expect(try Self.roundTrip(bytes) == OSString(bytes: bytes), "\(bytes)")
            }
        }
    }

    /// What Python 3 writes for these bytes, `json.dumps(os.fsdecode(b))`, and whether gob
    /// writes the very same text: Python escapes all non-ASCII text, gob (as Go) writes
    /// valid text other than U+2028 and U+2029 raw.
    static let python: [(bytes: [UInt8], json: String, same: Bool)] = [
        ([0x63, 0x61, 0x66, 0xE9], #""caf\udce9""#, true),
        ([0xC3, 0xA9, 0xE9], #""\u00e9\udce9""#, false),
        ([0xE2, 0x80, 0xA8, 0xFF], #""\u2028\udcff""#, true),
        ([0xF0, 0x9F, 0x99, 0x82, 0xF0, 0x9F], #""\ud83d\ude42\udcf0\udc9f""#, false),
        ([0xED, 0xA0, 0x80], #""\udced\udca0\udc80""#, true),  // an encoded surrogate is not UTF-8
        ([0xC0, 0xAF], #""\udcc0\udcaf""#, true),  // nor is an overlong form
        ([0xF4, 0x90, 0x80, 0x80], #""\udcf4\udc90\udc80\udc80""#, true),  // nor past U+10FFFF
        ([0xE2, 0x80], #""\udce2\udc80""#, true),
        ([0x61, 0x80, 0x62], #""a\udc80b""#, true),
    ]

    @Test func readsWhatPythonWrites() throws {
        for (bytes, json, _) in Self.python {
            #expect(try JSON(parsing: json).osStringValue == OSString(bytes: bytes), "\(json)")
        }
    }

    @Test func writesWhatPythonReads() throws {
        for (bytes, json, same) in Self.python {
            let ours = Self.wire(bytes)
            #expect(try JSON(parsing: ours) == JSON(parsing: json), "\(ours)")
            if same { #expect(ours == json) }
        }
        #expect(Self.wire([0xC3, 0xA9, 0xE9]) == "\"é\\udce9\"")
        #expect(Self.wire([0xF0, 0x9F, 0x99, 0x82, 0xF0, 0x9F]) == "\"🙂\\udcf0\\udc9f\"")
    }

    @Test func plainTextIsUnchanged() throws {
        for text in ["", "plain", "é ü 日本語 🙂", "<&>\"\\\n\t\u{01}\u{7F}\u{2028}/"] {
            #expect(JSON(OSString(text)) == .string(text))
            #expect(JSON(OSString(text)).compact == JSON.string(text).compact)
            #expect(try JSON(parsing: JSON.string(text).compact) == .string(text))
        }
    }

    @Test func otherLoneSurrogatesStayReplaced() throws {
        // Only the low surrogates 0xDC80-0xDCFF stand for bytes; Go's rule for the others.
        for escape in [#""\ud800""#, #""\udc00""#, #""\udc7f""#, #""\udfff""#, #""\ud800x""#] {
            let value = try JSON(parsing: escape)
            #expect(value.stringValue?.unicodeScalars.first == "\u{FFFD}", "\(escape)")
            #expect(value.osStringValue?.text != nil, "\(escape)")
        }
        // A high surrogate before one of them still pairs into one character.
        #expect(try JSON(parsing: #""\ud800\udce9""#) == .string("\u{100E9}"))
    }

    @Test("raw bytes that are not UTF-8 are read as the bytes they are")
    func rawInvalidBytes() throws {
        #expect(try JSON(parsing: [0x22, 0x61, 0xE9, 0x22]) == .bytes([0x61, 0xE9]))
        #expect(try JSON(parsing: [0x22, 0xE9, 0x5C, 0x6E, 0x22]) == .bytes([0xE9, 0x0A]))
        #expect(try JSON(parsing: Array("\"é\"".utf8)) == .string("é"))
    }

    @Test func bytesThatSpellTextAreText() throws {
        // Escaped bytes that together are valid UTF-8 are that text: one value, one form.
        #expect(try JSON(parsing: #""\udcc3\udca9""#) == .string("é"))
    }

    @Test("requests carry argv, environment and directory byte for byte")
    func requestsRoundTrip() throws {
        let latin1: OSString = OSString(bytes: Array("/home/d".utf8) + [0xE9, 0x6A, 0xE0])
        let spec = JobSpec(
            command: ["printf", "%s", OSString(bytes: Array("caf".utf8) + [0xE9])],
            workdir: latin1,
            environment: [OSString(bytes: Array("NAME=".utf8) + [0xFF, 0xFE]), "PATH=/bin"],
            description: "d")
        for request in [Request.add(spec), .run(spec), .list(workdir: latin1), .cleanup(workdir: latin1),
                        .nuke(workdir: latin1), .subscribe(workdir: latin1),
                        .start(jobID: "k3f", environment: spec.environment), .restart(jobID: "k3f", environment: spec.environment)] {
            let line = request.wireJSON.compact
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
            #expect(try Request(line: Array(line.utf8)) == request)
        }
    }

    @Test("a job's argv and workdir survive the wire and list --json")
    func snapshotsRoundTrip() throws {
        let job = JobSnapshot(
            id: "k3f", pid: 7, status: .running, command: ["printf", OSString(bytes: [0x63, 0xE9, 0xFF])],
            workdir: OSString(bytes: [0x2F, 0xE9]), createdAt: "c", stdoutPath: "o", stderrPath: "e")
        var wire: [UInt8] = []
        job.writeJSON(into: &wire, logPaths: true, indent: nil, level: 0)
        #expect(String(decoding: wire, as: UTF8.self).contains(#""command":["printf","c\udce9\udcff"],"workdir":"/\udce9""#))
        #expect(JobSnapshot(json: try JSON(parsing: wire)) == job)
        #expect(job.commandLine == #"printf $'c\xe9\xff'"#, "shown as a shell would take it back")
        let event = JobEvent(kind: .jobAdded, job: job)
        #expect(JobEvent(json: try JSON(parsing: event.json.compact)) == event)
    }

    @Test("the job's command is taken from the raw arguments when they line up")
    func exactWords() {
        let raw: [OSString] = ["add", "-q", "printf", "%s", OSString(bytes: [0x63, 0xE9])]
        #expect(OSString.exactWords(["printf", "%s", "c\u{FFFD}"], from: raw) == Array(raw.suffix(3)))
        // Words that are not the end of the command line are used as they are.
        #expect(OSString.exactWords(["x", "y"], from: raw) == ["x", "y"])
        #expect(OSString.exactWords(["a", "b", "c", "d", "e", "f"], from: raw) == ["a", "b", "c", "d", "e", "f"])
        #expect(OSString.exactWords([], from: raw) == [])
    }
}
