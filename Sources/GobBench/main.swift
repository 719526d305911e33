import Glibc

// gob-bench: gob against tmux, side by side (docs/performance.md).

// A job or follower that dies must not kill the benchmark through a write to its pipe;
// spawned commands get every disposition reset (gob_spawn).
signal(SIGPIPE, SIG_IGN)
Cleanup.closeAllOnTermination()

let options: BenchOptions
do throws(BenchError) {
    options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
    try ChildProcess.prepare()
} catch {
    Console.progress("gob-bench: \(error.description)")
    exit(error.description == BenchOptions.usage ? 0 : 2)
}

let report = Benchmark(options: options).run()
Console.out(report.markdown)
Cleanup.shared.closeAll()
exit(report.failed ? 1 : 0)
