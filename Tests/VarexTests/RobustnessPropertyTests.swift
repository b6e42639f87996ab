import Foundation
import PropertyBased
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Whatever bytes a file holds and whatever a formula says, the reader and the parser either
/// succeed or throw a Varex error with a message; they never crash, hang or recurse without
/// bound. Each property runs thousands of random inputs (a crash ends the test process, so it
/// cannot pass unnoticed); a failure prints the seed that reproduces it.
struct RobustnessPropertyTests {
    /// Bytes biased towards what makes CSV hard: quotes, separators, line ends, NUL, invalid
    /// UTF-8, a byte-order mark, missing markers and numbers.
    static let special: [UInt8] = Array(",\"\n\r\t ;.-+eE0123456789NAx[]'=".utf8) + [0x00, 0xEF, 0xBB, 0xBF, 0xC3, 0xFF]
    /// Half the time one of the special bytes, half the time any byte.
    static let csvByte = Gen<Int>.int(in: 0...511).map { k in k < 256 ? UInt8(k) : Self.special[k % Self.special.count] }

    @Test func randomBytesNeverCrashTheCSVReader() async {
        await propertyCheck(count: 3000, input: Self.csvByte.array(of: 0...200)) { bytes in
            do {
                let records = try CSVReader.parse(bytes, file: "random.csv")
                let table = Table(records: records, source: "random.csv")
                #expect(table.columns.count == records.header.count)
                for c in table.columns { #expect(c.cells.count == table.rowCount) }
            } catch let error as DataError {
                let message = error.description
                #expect(message.hasPrefix("random.csv"), "\(message)")
                #expect(!message.unicodeScalars.contains { $0.value == 0 }, "a NUL in the message")
            } catch {
                Issue.record("not a DataError: \(error)")
            }
        }
    }

    /// Fragments of the formula language, glued at random: unbalanced parentheses, nested calls,
    /// powers, signs, backticks, stray characters.
    static let fragment = Gen<String?>.element(of: [
        "y", "x", "g", "z", "~", " ~ ", "+", "-", "*", "/", ":", "^", "^2", "^40", "(", ")", "((", "))", "log(", "log10(", "exp(",
        "I(", "C(", "factor(", "poly(", "1", "0", "2", "-1", "+0", "1e308", ",", "`", "`(Intercept)`", " ", ".", "%", "%in%",
        "x:g", "(x + z)^3", "I(x^2)", "log(x, 2)", "--", "=", "\0", "é",
    ]).map { $0! }

    static let table: Table = {
        let csv = "y,x,z,g,(Intercept)\n1,2,3,a,1\n2,3,1,b,2\n3,5,2,a,3\n4,4,4,c,1\n5,6,3,b,2\n6,8,7,c,5\n"
        return Table(records: try! CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
    }()

    @Test func randomFormulasNeverCrashTheParserOrTheDesign() async {
        await propertyCheck(count: 3000, input: Self.fragment.array(of: 0...40)) { parts in
            let text = parts.joined()
            do {
                let formula = try Formula(text)
                _ = try? DesignMatrix(formula: formula, table: Self.table, options: DesignOptions())
            } catch let error as FormulaError {
                #expect(!error.description.isEmpty)
            } catch {
                Issue.record("not a FormulaError for «\(text)»: \(error)")
            }
        }
    }

    /// Deep nesting and long chains are refused with a message, not a stack overflow.
    @Test(arguments: [
        "y ~ " + String(repeating: "(", count: 20_000) + "x" + String(repeating: ")", count: 20_000),
        "y ~ " + String(repeating: "log(", count: 20_000) + "x" + String(repeating: ")", count: 20_000),
        "y ~ I(" + String(repeating: "-", count: 50_000) + "x)",
        "y ~ I(" + Array(repeating: "x", count: 50_000).joined(separator: " + ") + ")",
        "y ~ I(x" + String(repeating: "^x", count: 50_000) + ")",
    ])
    func deepFormulasAreRefused(_ text: String) {
        #expect {
            try Formula(text)
        } throws: { error in
            guard let e = error as? FormulaError else { return false }
            switch e {
            case .nestedTooDeeply, .expressionTooLong: return e.description.count < 400
            default: return false
            }
        }
    }
}
