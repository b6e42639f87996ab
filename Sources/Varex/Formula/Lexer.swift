/// A token of the formula language, with its 1-based character position.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case number(String)
        case symbol(Character) // ~ + - * / ^ : ( ) , = | & ! (the last two in a row filter)
        /// A comparison or `%in%` (inside `I()`): < <= > >= == != %in%
        case comparison(String)
        /// A quoted string ('…' or "…").
        case string(String)
        case end
    }
    let kind: Kind
    let position: Int
}

/// Splits a formula into tokens. Identifiers are R names (letters, digits, `.` and `_`, not
/// starting with a digit) or any text in backquotes.
enum Lexer {
    static func tokens(_ formula: String) throws -> [Token] {
        let chars = Array(formula)
        var out: [Token] = []
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "." || c == "_" }
        func isName(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "." || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" { i += 1; continue }
            let start = i + 1
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if (c == "<" || c == ">" || c == "=" || c == "!") && next == "=" {
                out.append(Token(kind: .comparison(String([c, "="])), position: start)); i += 2; continue
            }
            if c == "<" || c == ">" {
                out.append(Token(kind: .comparison(String(c)), position: start)); i += 1; continue
            }
            if c == "%" {
                guard i + 3 < chars.count, String(chars[i...(i + 3)]) == "%in%" else {
                    throw FormulaError.syntax(formula: formula, position: start, message: "the only %-operator is %in%")
                }
                out.append(Token(kind: .comparison("%in%"), position: start)); i += 4; continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < chars.count && chars[j] != c { j += 1 }
                guard j < chars.count else { throw FormulaError.syntax(formula: formula, position: start, message: "quoted text is not closed") }
                out.append(Token(kind: .string(String(chars[(i + 1)..<j])), position: start))
                i = j + 1; continue
            }
            if "~+-*/^:(),=|&!".contains(c) {
                out.append(Token(kind: .symbol(c), position: start)); i += 1; continue
            }
            if c == "`" {
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                guard j < chars.count else {
                    throw FormulaError.syntax(formula: formula, position: start, message: "backquoted name is not closed")
                }
                out.append(Token(kind: .identifier(String(chars[(i + 1)..<j])), position: start))
                i = j + 1; continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    var k = j + 1
                    if k < chars.count && (chars[k] == "+" || chars[k] == "-") { k += 1 }
                    if k < chars.count && chars[k].isNumber {
                        while k < chars.count && chars[k].isNumber { k += 1 }
                        j = k
                    }
                }
                let text = String(chars[i..<j])
                guard NumberParsing.parse(text) != nil else {
                    throw FormulaError.syntax(formula: formula, position: start, message: "'\(text)' is not a number")
                }
                out.append(Token(kind: .number(text), position: start))
                i = j; continue
            }
            if isNameStart(c) {
                var j = i
                while j < chars.count && isName(chars[j]) { j += 1 }
                out.append(Token(kind: .identifier(String(chars[i..<j])), position: start))
                i = j; continue
            }
            throw FormulaError.syntax(formula: formula, position: start, message: "unexpected character '\(c)'")
        }
        out.append(Token(kind: .end, position: chars.count + 1))
        return out
    }
}
