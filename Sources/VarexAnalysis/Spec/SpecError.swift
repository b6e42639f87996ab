import Varex
/// Problems with a spec file, naming the file, the key and its line.
public enum SpecError: VarexError, Equatable {
    case unreadable(path: String)
    case notYAML(path: String, message: String)
    case notAMapping(path: String, key: String, line: Int)
    case unknownKey(path: String, key: String, line: Int, known: [String])
    case wrongType(path: String, key: String, line: Int, expected: String, found: String)
    case missingKey(path: String, key: String)
    /// A key the command cannot honour (it would be silently ignored).
    case notForCommand(path: String, key: String, command: String, instead: String)

    public var exitCode: Int32 { 1 }

    public var description: String {
        switch self {
        case let .notForCommand(path, key, command, instead):
            return "\(path): the spec's \(key) is not for \(command) in this version; \(instead)"
        case let .unreadable(path): return "\(path): no such spec file"
        case let .notYAML(path, message): return "\(path): not valid YAML (\(message))"
        case let .notAMapping(path, key, line): return "\(path), line \(line): '\(key)' must be a mapping of keys to values"
        case let .unknownKey(path, key, line, known):
            return "\(path), line \(line): unknown key '\(key)'; known keys here: \(known.joined(separator: ", "))"
        case let .wrongType(path, key, line, expected, found):
            return "\(path), line \(line): '\(key)' must be \(expected), not \(found)"
        case let .missingKey(path, key): return "\(path): the spec needs '\(key)'"
        }
    }
}
