import GobProtocol
import Testing

/// Splitting a typed command as a POSIX shell would (without expansion), and quoting
/// argv so that a shell reads it back as the same words.
@Suite("Shell words")
struct ShellWordsTests {
    @Test("splitting", arguments: [
        ("make test", ["make", "test"]),
        ("  make\t test \n", ["make", "test"]),
        ("sh -c 'echo a b'", ["sh", "-c", "echo a b"]),
        (#"sh -c "echo \"a\" \$HOME \\ \` \x""#, ["sh", "-c", #"echo "a" $HOME \ ` \x"#]),
        (#"echo a\ b c\'d"#, ["echo", "a b", "c'd"]),
        ("echo '' \"\"", ["echo", "", ""]),
        ("echo a''b", ["echo", "ab"]),
        ("echo 'it'\\''s'", ["echo", "it's"]),
        ("echo $'a\\tb\\n' $'\\x41\\101\\u00e9\\'q'", ["echo", "a\tb\n", "AAé'q"]),
        ("echo 5$ $ a$", ["echo", "5$", "$", "a$"]),
        ("echo '$HOME' \"a|b;c\" 'x>y'", ["echo", "$HOME", "a|b;c", "x>y"]),
        ("find . -name *.go ~/x a#b", ["find", ".", "-name", "*.go", "~/x", "a#b"]),
        ("a\\\nb", ["ab"]),
        ("trailing\\", ["trailing\\"]),
        ("", []),
        ("   ", []),
        ("é 日本", ["é", "日本"]),
    ])
    func split(text: String, words: [String]) throws {
        #expect(try ShellWords.split(text) == words)
    }

    @Test("refusals", arguments: [
        ("sh -c 'echo", ShellWords.SplitError.unterminatedQuote("'")),
        ("echo \"a", .unterminatedQuote("\"")),
        ("echo \"a\\\"", .unterminatedQuote("\"")),
        ("echo $'a", .unterminatedQuote("$'")),
        ("make && make test", .shellSyntax("&&")),
        ("npm run dev > out.log", .shellSyntax(">")),
        ("a | b", .shellSyntax("|")),
        ("a; b", .shellSyntax(";")),
        ("server &", .shellSyntax("&")),
        ("echo $HOME", .shellSyntax("$HOME")),
        ("echo ${X}", .shellSyntax("${X}")),
        ("echo \"$(date)\"", .shellSyntax("$(date)")),
        ("echo `date`", .shellSyntax("`date`")),
        ("(cd x)", .shellSyntax("(")),
        ("make # build it", .shellSyntax("# starts a comment")),
    ])
    func refusals(text: String, error: ShellWords.SplitError) {
        #expect(throws: error) { try ShellWords.split(text) }
    }

    @Test("quoting", arguments: [
        (["sh", "-c", "echo a b"], "sh -c 'echo a b'"),
        (["make", "-j4", "--filter=web", "a/b.c", "x@y:1,2%+"], "make -j4 --filter=web a/b.c x@y:1,2%+"),
        (["echo", ""], "echo ''"),
        (["echo", "it's"], #"echo "it's""#),
        (["echo", "it's $x"], #"echo 'it'\''s $x'"#),
        (["echo", "a\nb", "t\tx", "\u{1B}[31m"], #"echo $'a\nb' $'t\tx' $'\e[31m'"#),
        (["echo", "\u{202E}evil"], #"echo $'\u202eevil'"#),
        (["echo", "*.go", "~", "a#b", "!x"], "echo '*.go' '~' 'a#b' '!x'"),
        (["A=b", "c=d"], "'A=b' c=d"),
        (["café", "日本"], "café 日本"),
    ])
    func quote(words: [String], line: String) throws {
        #expect(ShellWords.quote(words) == line)
        #expect(try ShellWords.split(line) == words, "what is shown reads back as the same words")
    }

    @Test func bytesThatAreNotUTF8() throws {
        let word: [UInt8] = [0x63, 0x61, 0x66, 0xE9, 0xFF, 0x27]
        let shown = ShellWords.quote(bytes: word)
        #expect(shown == #"$'caf\xe9\xff\''"#)
        #expect(try ShellWords.splitBytes(shown) == [word])
        #expect(ShellWords.quote(byteWords: [Array("printf".utf8), word]) == "printf " + shown)
        #expect(ShellWords.quote(bytes: Array("plain".utf8)) == "plain")
    }

    @Test func randomWordsSurviveTheRoundTrip() throws {
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\t", "\n", "'", "\"", "\\", "$", "`", "|", "&", ";", "<", ">", "(", ")", "#", "*",
            "~", "=", "!", "é", "日", "\u{1B}", "\u{7F}", "-", "{", "}",
        ]
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        for _ in 0..<3_000 {
            let words = (0..<(1 + next(4))).map { _ in String((0..<next(6)).map { _ in alphabet[next(alphabet.count)] }) }
            let line = ShellWords.quote(words)
            #expect(try ShellWords.split(line) == words, "\(words) shown as \(line)")
        }
    }
}
