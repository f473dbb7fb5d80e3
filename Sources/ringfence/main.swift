import RingfenceSystem

// `ringfence`: a small front executable. It runs `ringfence sandbox run`
// itself, because that command is a launcher people time against bwrap and
// minijail0 and every millisecond of start-up shows; it hands every other
// command to `ringfence-cli`, the full command tree, by execve (same pid, same
// arguments, same exit status). Kept free of Foundation and ArgumentParser,
// and linked statically in release builds, so that it starts in about as long
// as a C program does (BENCHMARKS.md, issue 6).

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.starts(with: ["sandbox", "run"]) {
    SandboxRunCommand.main(Array(arguments.dropFirst(2)))
}
FullCommandLine.exec(arguments)
