/// What every Varex error offers a command-line front end: a one-line message a user can act on
/// and the exit status it maps to (1 for bad input or usage, 2 for a numerical failure).
public protocol VarexError: Error, CustomStringConvertible {
    /// 1 for bad input or usage, 2 for a numerical failure.
    var exitCode: Int32 { get }
}

/// A place in a data file, for messages: the file, the data row (1 = first row after the
/// header), the physical line it starts on, and the column name.
public struct CellLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var row: Int?
    public var line: Int?
    public var column: String?

    public init(file: String, row: Int? = nil, line: Int? = nil, column: String? = nil) {
        self.file = file
        self.row = row
        self.line = line
        self.column = column
    }

    public var description: String {
        var s = file
        if let row { s += ", row \(row)" }
        if let line { s += " (line \(line))" }
        if let column { s += ", column '\(MessageText.quote(column))'" }
        return s
    }
}

/// Text from a user's file as it appears in a one-line message: control characters (a NUL, a
/// line break, a tab) shown as escapes, and anything longer than ``limit`` characters cut, with
/// its length, so that a 1 MB cell or a binary file cannot flood or break the message.
public enum MessageText {
    public static let limit = 80

    public static func quote(_ text: String) -> String {
        var out = ""
        var count = 0
        for u in text.unicodeScalars {
            if count == limit {
                return out + "… (\(text.unicodeScalars.count) characters)"
            }
            out += escape(u)
            count += 1
        }
        return out
    }

    /// A control character as `\0`, `\t`, `\n`, `\r` or `\u{1B}`; any other character as itself.
    public static func escape(_ u: Unicode.Scalar) -> String {
        switch u {
        case "\0": return "\\0"
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default:
            if u.value < 0x20 || u.value == 0x7F { return "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" }
            return String(u)
        }
    }

    /// A whole message made safe for a terminal: control characters other than line breaks and
    /// tabs (which a multi-line report uses) escaped, nothing cut.
    public static func printable(_ message: String) -> String {
        func isControl(_ u: Unicode.Scalar) -> Bool { (u.value < 0x20 && u != "\n" && u != "\t") || u.value == 0x7F }
        guard message.unicodeScalars.contains(where: isControl) else { return message }
        return message.unicodeScalars.map { isControl($0) ? escape($0) : String($0) }.joined()
    }
}

/// A setting of an analysis that an error message names. The library's messages name it as a
/// request names it (``RequestSettingNames``: `exclude`, `scale`); a front end renders the same
/// error with its own names (the CLI by its flags, `--exclude`; a spec by its keys), so no
/// library message names a command-line flag.
public enum Setting: String, Sendable, CaseIterable {
    case justified, unjustified, scale, measure, measureWeight, exclude, kind, per, resample
    case reference, level, tolerance, join, id, force, panel, time
    case cluster, clusterDF, absorb, family, stream, memory, se, expect
}

/// How a front end names settings in messages.
public protocol SettingNames {
    func name(_ setting: Setting) -> String
}

/// The library's own names: the setting as a request or function parameter calls it.
public struct RequestSettingNames: SettingNames {
    public init() {}
    public func name(_ setting: Setting) -> String {
        switch setting {
        case .measureWeight: return "weight"
        case .clusterDF: return "cluster_df"
        default: return setting.rawValue
        }
    }
}

/// An error whose message names settings of the analysis. `description` uses the library's
/// names; a front end calls ``message(naming:)`` with its own.
public protocol SettingMessage: VarexError {
    func message(naming names: SettingNames) -> String
}

extension SettingMessage {
    public var description: String { message(naming: RequestSettingNames()) }
}
