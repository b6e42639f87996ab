import Foundation
import Varex

/// Every JSON output is an `Encodable` value written by one encoder: Foundation's
/// `JSONEncoder`, pretty-printed, keys sorted (Foundation on Linux does not keep the declared
/// order, and sorted keys make the bytes the same from run to run), camel-case property names
/// written in snake case (`pValue` as `p_value`), slashes unescaped. Numbers have round-trip
/// precision; a number that is not finite (R's `NA`, `NaN`) is `null` through ``JSONNumber``.
public enum JSONOutput {
    /// The JSON text of `value`, ending in a newline.
    public static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw JSONOutputError.notWritable(String(describing: error))
        }
    }
}

/// A JSON output that could not be written (a value Foundation's encoder refuses).
public enum JSONOutputError: VarexError {
    case notWritable(String)
    public var exitCode: Int32 { 1 }
    public var description: String {
        switch self { case let .notWritable(why): return "the JSON summary could not be written: \(why)" }
    }
}

/// A number in a JSON output: `null` when it is missing or not finite.
public struct JSONNumber: Encodable, Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public let value: Double?
    public init(_ x: Double?) { value = x.flatMap { $0.isFinite ? $0 : nil } }
    public init(_ x: Int?) { value = x.map(Double.init) }
    public init(floatLiteral x: Double) { self.init(x) }
    public init(integerLiteral x: Int) { self.init(Double(x)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

/// A value whose key is always written: `null` when absent (a plain optional leaves the key out).
public struct JSONNullable<Wrapped: Encodable & Sendable>: Encodable, Sendable {
    public let value: Wrapped?
    public init(_ value: Wrapped?) { self.value = value }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let value { try c.encode(value) } else { try c.encodeNil() }
    }
}

/// One JSON object of two parts' keys: the keys every model shares and a family's own (or an
/// explanation's). Both parts are written into the same object.
public struct JSONMerged<First: Encodable & Sendable, Second: Encodable & Sendable>: Encodable, Sendable {
    public let first: First
    public let second: Second
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }
    public func encode(to encoder: Encoder) throws {
        try first.encode(to: encoder)
        try second.encode(to: encoder)
    }
}

extension Sequence where Element == Double {
    /// The numbers for a JSON array (`null` where not finite).
    var json: [JSONNumber] { map { JSONNumber($0) } }
}

/// A group's joint test in an explanation, the same keys for every kind of model: `test` (F or
/// chisq), `statistic`, `num_df`, `den_df` (null for a χ²), `p_value`.
struct GroupTestJSON: Encodable, Sendable {
    let test: String
    let statistic: JSONNumber
    let numDf: Int
    let denDf: JSONNumber
    let pValue: JSONNumber

    init(f: Double, numDf: Int, denDf: Double, pValue: Double) {
        test = "F"
        statistic = JSONNumber(f)
        self.numDf = numDf
        self.denDf = JSONNumber(denDf)
        self.pValue = JSONNumber(pValue)
    }

    init(_ t: GLMWaldTest) {
        test = t.isF ? "F" : "chisq"
        statistic = JSONNumber(t.statistic)
        numDf = t.df1
        denDf = JSONNumber(t.df2)
        pValue = JSONNumber(t.pValue)
    }
}

/// An explanation's group: its name, kind, terms and share, and its test's keys beside them.
struct GroupJSON: Encodable, Sendable {
    let name: String
    let justified: Bool
    let terms: [String]
    let share: JSONNumber
    let test: GroupTestJSON

    enum Keys: String, CodingKey { case name, justified, terms, share }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(justified, forKey: .justified)
        try c.encode(terms, forKey: .terms)
        try c.encode(share, forKey: .share)
        try test.encode(to: encoder)
    }
}
