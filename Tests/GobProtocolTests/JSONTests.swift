import GobProtocol
import Testing

@Suite("JSON parsing and writing")
struct JSONTests {
    @Test("values survive a compact write and a parse", arguments: [
        #"null"#, #"true"#, #"false"#, #"0"#, #"-42"#, #"9223372036854775807"#, #"1.5"#, #"-2.25e-3"#,
        #""""#, #""text""#, #"[]"#, #"{}"#, #"[1,"a",null,true,{"k":[]}]"#,
        #"{"b":1,"a":2,"c":{"z":null,"y":[false]}}"#,
    ])
    func roundTrip(text: String) throws {
        let value = try JSON(parsing: text)
        let written = value.compact
        #expect(try JSON(parsing: written) == value)
    }

    @Test func keepsObjectKeyOrder() throws {
        let value = try JSON(parsing: #"{"z":1,"a":2,"m":3}"#)
        #expect(value.compact == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func integersStayExact() throws {
        #expect(try JSON(parsing: "9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSON(parsing: "2.0") == .double(2.0))
        #expect(JSON.double(3).compact == "3")
    }

    @Test func escapesLikeGo() {
        #expect(JSON.string("<a & b>").compact == #""\u003ca \u0026 b\u003e""#)
        #expect(JSON.string("a/b").compact == #""a/b""#)
        #expect(JSON.string("héllo ✓ 🙂").compact == "\"héllo ✓ 🙂\"")
        #expect(JSON.string("q\"b\\").compact == #""q\"b\\""#)
        #expect(JSON.string("\n\r\t").compact == #""\n\r\t""#)
        #expect(JSON.string("\u{01}\u{1F}\u{08}\u{0C}").compact == #""\u0001\u001f\u0008\u000c""#)
        #expect(JSON.string("\u{2028}\u{2029}").compact == #""\u2028\u2029""#)
    }

    @Test func readsEscapes() throws {
        let value = try JSON(parsing: #""\u003c\/\n\t\"\\\u00e9\ud83d\ude42""#)
        #expect(value == .string("</\n\t\"\\é🙂"))
        #expect(try JSON(parsing: #""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test func readsRawNonASCII() throws {
        #expect(try JSON(parsing: Array("\"ünï ✓\"".utf8)) == .string("ünï ✓"))
    }

    @Test("pretty output matches list --json's layout")
    func prettyMatchesContract() {
        let value = JSON.array([
            .object([
                ("id", .string("Vc5Vsvr")),
                ("pid", .int(28978)),
                ("status", .string("running")),
                ("command", .array([.string("sleep"), .string("300")])),
                ("workdir", .string("/home/me/app")),
                ("created_at", .string("2026-11-26T14:03:51Z")),
            ]),
        ])
        let expected = """
            [
              {
                "id": "Vc5Vsvr",
                "pid": 28978,
                "status": "running",
                "command": [
                  "sleep",
                  "300"
                ],
                "workdir": "/home/me/app",
                "created_at": "2026-11-26T14:03:51Z"
              }
            ]
            """
        #expect(value.pretty == expected)
    }

    @Test func prettyEmptyContainers() {
        #expect(JSON.array([]).pretty == "[]")
        #expect(JSON.object([("a", .array([])), ("b", .object([]))]).pretty == "{\n  \"a\": [],\n  \"b\": {}\n}")
    }

    @Test func compactHasNoWhitespace() throws {
        let value = try JSON(parsing: " { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } ")
        #expect(value.compact == #"{"a":[1,2],"b":{}}"#)
    }

    @Test("malformed text is refused with Go's wording", arguments: [
        ("", "unexpected EOF"),
        ("   ", "unexpected EOF"),
        ("{", "unexpected EOF"),
        (#"{"type":"ping""#, "unexpected EOF"),
        (#"["a","#, "unexpected EOF"),
        (#""abc"#, "unexpected EOF"),
        ("garbage", "invalid character 'g' looking for beginning of value"),
        ("{\"a\" 1}", "invalid character '1' after object key"),
        ("{1:2}", "invalid character '1' looking for beginning of object key string"),
        ("[1 2]", "invalid character '2' after array element"),
        ("tru", "unexpected EOF"),
        ("nul!", "invalid character '!' in literal null (expecting 'l')"),
        ("01", "invalid character '1' after top-level value"),
        ("-", "unexpected EOF"),
        ("1.", "unexpected EOF"),
        ("1.x", "invalid character 'x' after decimal point in numeric literal"),
        ("\"a\u{01}\"", "invalid character '\\x01' in string literal"),
        (#""\x""#, "invalid character 'x' in string escape code"),
    ])
    func refusesMalformed(text: String, message: String) {
        #expect(throws: JSONError(message)) { try JSON(parsing: text) }
    }

    @Test func refusesTrailingGarbage() {
        #expect(throws: JSONError("invalid character 'x' after top-level value")) {
            try JSON(parsing: #"{"type":"ping"} x"#)
        }
        #expect(throws: JSONError("invalid character '{' after top-level value")) {
            try JSON(parsing: #"{"a":1}{"b":2}"#)
        }
    }

    @Test func acceptsDepthLimit() throws {
        let depth = JSON.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        _ = try JSON(parsing: text)
    }

    @Test("nesting past the limit is refused, however deep, without a crash")
    func refusesDeepNesting() {
        for depth in [JSON.maximumDepth + 1, 100_000] {
            let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(throws: JSONError("exceeded max depth")) { try JSON(parsing: arrays) }
            let objects = String(repeating: #"{"a":"#, count: depth)
            #expect(throws: JSONError("exceeded max depth")) { try JSON(parsing: objects) }
        }
    }

    @Test func accessors() throws {
        let value = try JSON(parsing: #"{"s":"x","b":true,"i":7,"d":7.9,"a":[1],"n":null,"s":"y"}"#)
        #expect(value["s"]?.stringValue == "y")
        #expect(value["b"]?.boolValue == true)
        #expect(value["i"]?.intValue == 7)
        #expect(value["d"]?.intValue == 7)
        #expect(value["a"]?.arrayValue == [.int(1)])
        #expect(value["n"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(JSON.int(1)["x"] == nil)
        #expect(JSON.optional(nil as String?) == .null)
        #expect(JSON.optional(5 as Int64?) == .int(5))
    }
}
