import ArgumentParser

/// `--ready-port [PORT]`: an option whose value may be left out (any port). The parser
/// knows only options that always take a value, so before it runs, a bare `--ready-port`
/// that is not followed by a port number is given the value 0, which stands for any port:
/// `gob add --ready-port npm run dev` waits for any port and runs `npm run dev`, while
/// `gob add --ready-port 5173 npm run dev` waits for port 5173.
///
/// Only gob's own options are looked at: for `add`, those before the job's command (the
/// first word that is not an option or an option's value); everywhere, those before `--`.
enum ReadyPortArgument {
    static let flag = "--ready-port"

    /// The commands that take `--ready-port`, and whether their positionals are a job's
    /// command (which may hold a `--ready-port` of its own).
    private static func accepts(_ type: any ParsableCommand.Type) -> (accepts: Bool, passthrough: Bool) {
        if type == AddCommand.self { return (true, true) }
        if type == StartCommand.self || type == RestartCommand.self { return (true, false) }
        return (false, false)
    }

    /// `arguments` (a command's own, after its name) with each bare `--ready-port` that
    /// has no port number after it written as `--ready-port=0`.
    static func normalized(_ arguments: [String], of type: any ParsableCommand.Type) -> [String] {
        guard arguments.contains(flag) else { return arguments }
        let (accepts, passthrough) = accepts(type)
        guard accepts else { return arguments }
        // Which options take a value: their value is not the job's command.
        let table = FlagTable(of: type)
        var output: [String] = []
        var index = 0
        while index < arguments.count {
            let token = arguments[index]
            if token == "--" { break }
            if token == flag {
                if index + 1 < arguments.count, isPortNumber(arguments[index + 1]) {
                    output += [token, arguments[index + 1]]
                    index += 2
                } else {
                    output.append(token + "=0")
                    index += 1
                }
                continue
            }
            output.append(token)
            index += 1
            if token.hasPrefix("--") {
                let name = token.dropFirst(2)
                if !name.contains("="), table.entry(long: name)?.takesValue == true, index < arguments.count {
                    output.append(arguments[index])
                    index += 1
                }
            } else if token.hasPrefix("-") && token.count == 2, let letter = token.last {
                if table.entry(short: letter)?.takesValue == true, index < arguments.count {
                    output.append(arguments[index])
                    index += 1
                }
            } else if !token.hasPrefix("-") || token == "-" {
                if passthrough { break }
            }
        }
        return output + arguments[index...]
    }

    /// A word that reads as a port number: digits only (its range is checked later, with
    /// the other values).
    private static func isPortNumber(_ word: String) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
