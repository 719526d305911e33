/// Why a measurement could not be taken: a command exited non-zero, a wait timed out, an
/// expected line or event never came. Any of these makes the benchmark exit non-zero;
/// a missed target never does.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
