import ArgumentParser
import Foundation

/// The first option on a command line that its subcommand does not know.
///
/// argument-parser runs a command's `validate()` (and reports a missing value) before it looks
/// for options left over, so `varex anova --bogus x data.csv --formula …` was told "give exactly
/// one CSV file" instead of "Unknown option '--bogus'". Every usage error is checked against the
/// parser's own description of the command tree (`_dumpHelp`), so each subcommand names an
/// unknown option as `fit` always did.
enum UnknownOptions {
    /// The option names (`--name`, `-n`) of each subcommand, and which of them take a value.
    struct Options {
        var names: Set<String> = ["--help", "-h"]
        var takingValue: Set<String> = []
    }

    static let table: [String: Options] = {
        guard let data = VarexCommand._dumpHelp().data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let command = root["command"] as? [String: Any] else { return [:] }
        var table: [String: Options] = [:]
        for sub in command["subcommands"] as? [[String: Any]] ?? [] {
            guard let name = sub["commandName"] as? String else { continue }
            var options = Options()
            for argument in sub["arguments"] as? [[String: Any]] ?? [] {
                let kind = argument["kind"] as? String
                for n in argument["names"] as? [[String: Any]] ?? [] {
                    guard let text = n["name"] as? String else { continue }
                    let spelled = (n["kind"] as? String) == "short" ? "-" + text : "--" + text
                    options.names.insert(spelled)
                    if kind == "option" { options.takingValue.insert(spelled) }
                }
            }
            table[name] = options
        }
        return table
    }()

    /// The first argument after the subcommand that looks like an option and is none of its
    /// options (a value given to an option, `-` for standard input, a negative number and
    /// everything after `--` are not options).
    static func first(in arguments: [String]) -> String? {
        guard let command = arguments.dropFirst().first, let options = table[command] else { return nil }
        var expectingValue = false
        for argument in arguments.dropFirst(2) {
            if expectingValue { expectingValue = false; continue }
            if argument == "--" { return nil }
            guard argument.hasPrefix("-"), argument != "-", Double(argument) == nil else { continue }
            let name = argument.hasPrefix("--") ? String(argument.prefix { $0 != "=" }) : String(argument.prefix(2))
            guard options.names.contains(name) else { return name }
            expectingValue = options.takingValue.contains(name) && !argument.contains("=") && !(argument.count > 2 && !argument.hasPrefix("--"))
        }
        return nil
    }
}
