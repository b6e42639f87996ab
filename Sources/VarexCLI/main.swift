import ArgumentParser
import Varex
import VarexAnalysis
#if canImport(Glibc)
import Glibc
#endif

// Exit status: 0 success, 1 bad input or usage, 2 numerical failure. Messages go to stderr.
Console.showProgressOnTerminal()
do {
    var command = try VarexCommand.parseAsRoot()
    try command.run()
    Console.clearProgress()
    // Whatever a command printed must have reached its destination: a full disk or a closed
    // file behind standard output is a failure, not a success.
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
        Console.error("varex: error: standard output: cannot write (\(String(cString: strerror(errno))))")
        exit(1)
    }
    exit(0)
} catch let error as SettingMessage {
    Console.error("varex: error: \(error.message(naming: FlagNames(arguments: CommandLine.arguments)))")
    exit(error.exitCode)
} catch let error as VarexError {
    Console.error("varex: error: \(error)")
    exit(error.exitCode)
} catch let code as ExitCode {
    // The command has already said what is wrong.
    exit(code.rawValue)
} catch {
    let code = VarexCommand.exitCode(for: error)
    if code == .success {
        print(VarexCommand.fullMessage(for: error))
        exit(0)
    }
    // Usage errors: one line, and where to read more. An option the subcommand does not know
    // is named first, whatever else argument-parser found wrong.
    let message = UnknownOptions.first(in: CommandLine.arguments).map { "Unknown option '\($0)'" }
        ?? oneLine(VarexCommand.message(for: error))
    Console.error("varex: error: \(message) (see \(helpHint(CommandLine.arguments)))")
    exit(1)
}

/// Where to read more after a usage error: the subcommand's help when one was named.
func helpHint(_ arguments: [String]) -> String {
    let names = VarexCommand.configuration.subcommands.map { $0._commandName }
    if let command = arguments.dropFirst().first, names.contains(command) {
        return "'varex \(command) --help'"
    }
    return "'varex --help'"
}

/// A usage message on one line: a list of choices that argument-parser puts one per line
/// ("- classical", "- HC0", ...) after a colon is joined with commas; other lines after the first
/// are dropped.
func oneLine(_ message: String) -> String {
    let lines = message.split(separator: "\n").map { String($0.drop { $0 == " " }) }
    guard let first = lines.first else { return "invalid usage" }
    let items = lines.dropFirst().prefix { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
    return first.hasSuffix(":") && !items.isEmpty ? first + " " + items.joined(separator: ", ") : first
}
