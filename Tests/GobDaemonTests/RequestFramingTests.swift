@testable import GobDaemon
import Testing

@Suite("Request framing and the request ledger")
struct RequestFramingTests {
    private func end(of text: String, inPiecesOf size: Int) -> Int? {
        var framer = RequestFramer()
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let piece = bytes[start..<min(bytes.count, start + size)]
            if let end = framer.end(in: piece) { return end }
            start += size
        }
        return nil
    }

    @Test func findsTheEndOfAnObjectOrLineWhateverThePieces() {
        let request = #"{"type":"ping","payload":{"pad":"}}{\"}"}}"#
        for size in [1, 2, 3, 7, 100] {
            #expect(end(of: request + "  trailing", inPiecesOf: size) == request.utf8.count, "pieces of \(size)")
            #expect(end(of: "garbage\nmore", inPiecesOf: size) == 7)
            #expect(end(of: #"{"a":"\\"}"#, inPiecesOf: size) == 10, "an escaped backslash ends before the quote")
        }
        #expect(end(of: #"{"open":"}"#, inPiecesOf: 1) == nil, "a brace inside a string ends nothing")
        #expect(end(of: "[1,2]", inPiecesOf: 1) == 5)
    }

    @Test func aRepeatedRequestGetsTheFirstReply() {
        let ledger = RequestLedger(capacity: 2)
        #expect(ledger.claim("a") == .fresh)
        ledger.finish("a", reply: [1])
        #expect(ledger.claim("a") == .replay([1]))
        #expect(ledger.claim("b") == .fresh)
        ledger.finish("b", reply: [2])
        #expect(ledger.claim("c") == .fresh)
        ledger.finish("c", reply: [3])
        #expect(ledger.claim("a") == .fresh, "the oldest is forgotten past the capacity")
        #expect(ledger.claim("c") == .replay([3]))
    }
}
