import Foundation

/// A validator of the part of JSON Schema (2020-12) that schema/varex-output.schema.json uses:
/// `type` (one or a list), `required`, `properties`, `additionalProperties: false`, `items`,
/// `enum`, `minimum`, `oneOf` and local `$ref`s (`#/$defs/name`). Each problem is a path and
/// what is wrong; an empty list is a valid document.
struct JSONSchema {
    let root: [String: Any]

    init(path: String) throws {
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// The problems of `value` against the schema's definition `definition` (the whole schema
    /// when nil).
    func problems(_ value: Any, definition: String? = nil) -> [String] {
        let schema = definition.map { (root["$defs"] as! [String: Any])[$0] as! [String: Any] } ?? root
        return check(value, schema, at: "$")
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String else { return schema }
        let name = ref.replacingOccurrences(of: "#/$defs/", with: "")
        return resolve((root["$defs"] as! [String: Any])[name] as! [String: Any])
    }

    static func typeName(_ v: Any) -> String {
        switch v {
        case is NSNull: return "null"
        case is Bool: return "boolean"
        case is Int: return "integer"
        case is Double: return "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    /// A JSON document as plain Swift values, each number typed as written (`150` an Int,
    /// `150.0` and `1e3` a Double, `true` a Bool), which JSONSerialization does not keep apart.
    static func parse(_ text: String) throws -> Any {
        try JSONDecoder().decode(Value.self, from: Data(text.utf8)).plain
    }

    enum Value: Decodable {
        case null, bool(Bool), int(Int), double(Double), string(String), array([Value]), object([String: Value])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([Value].self) { self = .array(a) }
            else { self = .object(try c.decode([String: Value].self)) }
        }
        var plain: Any {
            switch self {
            case .null: return NSNull()
            case let .bool(b): return b
            case let .int(i): return i
            case let .double(d): return d
            case let .string(s): return s
            case let .array(a): return a.map(\.plain)
            case let .object(o): return o.mapValues(\.plain)
            }
        }
    }

    func check(_ value: Any, _ raw: [String: Any], at path: String) -> [String] {
        let schema = resolve(raw)
        var out: [String] = []
        if let options = schema["oneOf"] as? [[String: Any]] {
            let passing = options.filter { check(value, $0, at: path).isEmpty }.count
            if passing != 1 { out.append("\(path): matches \(passing) of the oneOf alternatives, not exactly one") }
        }
        let actual = Self.typeName(value)
        if let t = schema["type"] {
            let allowed = (t as? [String]) ?? [t as! String]
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok { return out + ["\(path): \(actual), not \(allowed.joined(separator: " or "))"] }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            out.append("\(path): \(value) is not one of \(options)")
        }
        if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, let n = (value as? Int).map(Double.init) ?? (value as? Double), n < minimum {
            out.append("\(path): \(n) is below \(minimum)")
        }
        if let object = value as? [String: Any] {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil { out.append("\(path): no '\(key)'") }
            let properties = (schema["properties"] as? [String: Any]) ?? [:]
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += check(v, sub, at: path + "." + key)
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): unexpected key '\(key)'")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (k, v) in array.enumerated() { out += check(v, items, at: "\(path)[\(k)]") }
        }
        return out
    }
}
