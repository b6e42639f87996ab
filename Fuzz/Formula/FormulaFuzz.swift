// libFuzzer target: the formula parser and the design. Any text either parses or is a
// FormulaError with a message; a formula that parses builds its design over a small table or
// throws a Varex error. Anything else (a crash, a trap, another error type) stops the fuzzer.
@testable import Varex

let table = Table(records: try! CSVReader.parse(Array("y,x,z,g,w\n1,2,3,a,1\n2,3,1,b,2\n3,5,2,a,3\n4,4,4,c,1\n5,6,3,b,2\n6,8,7,c,5\n".utf8),
                                                file: "t.csv"), source: "t.csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormula(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size <= 4096 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let formula = try Formula(text)
        do {
            _ = try DesignMatrix(formula: formula, table: table, options: DesignOptions())
        } catch is VarexError {
        } catch {
            preconditionFailure("design of «\(text)»: not a Varex error: \(error)")
        }
        _ = try? MixedFormula(text)
    } catch let e as FormulaError {
        precondition(!e.description.isEmpty)
    } catch {
        preconditionFailure("«\(text)»: not a FormulaError: \(error)")
    }
    return 0
}
