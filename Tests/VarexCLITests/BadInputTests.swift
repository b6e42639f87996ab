import Foundation
import Testing

/// Bad input never crashes and never leaves output behind: each case exits 1 with a one-line
/// message on stderr naming the file, row and column where they apply, and neither the
/// residual CSV nor the JSON asked for exists afterwards.
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// The data file's bytes (nil: no file at all).
        let data: [UInt8]?
        let formula: String
        var extra: [String] = []
        /// Substrings the message must contain.
        let expect: [String]
        var testDescription: String { name }
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    static let good = "id,y,x,g,w\nA,1.5,2,a,1\nB,2.5,3,b,2\nC,3.1,5,a,1\nD,4.7,4,b,3\nE,5.2,6,a,1\n"

    static let cases: [Case] = [
        Case(name: "missing file", data: nil, formula: "y ~ x", expect: ["data.csv: no such file"]),
        Case(name: "empty file", data: [], formula: "y ~ x", expect: ["data.csv", "empty"]),
        Case(name: "header only", data: bytes("y,x\n"), formula: "y ~ x", expect: ["data.csv", "no data rows"]),
        Case(name: "ragged row", data: bytes("y,x\n1,2\n3,4,5\n"), formula: "y ~ x", expect: ["data.csv, row 2 (line 3)", "3 fields", "header has 2"]),
        Case(name: "unterminated quote", data: bytes("y,x\n1,2\n3,\"4\n5,6\n"), formula: "y ~ x", expect: ["data.csv, row 2 (line 3), column 'x'", "never closed"]),
        Case(name: "text in a numeric column", data: bytes("y,x\n1,2\n3,four\n5,6\n2,1\n"), formula: "y ~ x",
             expect: ["data.csv, row 2 (line 3), column 'x'", "'four' is not a number"]),
        Case(name: "text inside an expression", data: bytes("y,x\n1,a\n3,b\n5,c\n"), formula: "y ~ log(x)",
             expect: ["data.csv, row 1 (line 2), column 'x'", "'a' is not a number"]),
        Case(name: "unknown column", data: bytes(good), formula: "y ~ xx + g", expect: ["data.csv: no column named 'xx'", "did you mean 'x'"]),
        Case(name: "formula syntax error", data: bytes(good), formula: "y ~ x + (g", expect: ["position 11", "expected ')'"]),
        Case(name: "constant response", data: bytes("y,x\n2,1\n2,2\n2,3\n"), formula: "y ~ x", expect: ["response 'y'", "same value"]),
        Case(name: "fewer usable rows than coefficients", data: bytes("y,x,z\n1,2,3\n2,NA,4\n"), formula: "y ~ x + z",
             expect: ["only 1 usable row for 3 coefficients"]),
        Case(name: "negative weight", data: bytes(good.replacingOccurrences(of: "b,3\n", with: "b,-3\n")), formula: "y ~ x", extra: ["--weights", "w"],
             expect: ["data.csv, row 4 (line 5), column 'w'", "negative"]),
        Case(name: "infinite weight", data: bytes(good.replacingOccurrences(of: "b,3\n", with: "b,Inf\n")), formula: "y ~ x", extra: ["--weights", "w"],
             expect: ["data.csv, row 4 (line 5), column 'w'", "infinite"]),
        Case(name: "duplicate ids", data: bytes(good.replacingOccurrences(of: "D,", with: "A,")), formula: "y ~ x", extra: ["--id", "id"],
             expect: ["data.csv, row 4 (line 5), column 'id'", "'A' already appears at row 1"]),
        Case(name: "infinite value", data: bytes("y,x\n1,2\n2,-inf\n3,4\n4,1\n"), formula: "y ~ x", expect: ["data.csv, row 2 (line 3), column 'x'", "infinite"]),
        Case(name: "every row dropped", data: bytes("y,x\n1,NA\n2,..\n3,[c]\n"), formula: "y ~ x", expect: ["every one of the 3 rows", "missing x"]),
        Case(name: "invalid UTF-8", data: bytes("y,x\n1,2\n") + [0xC3, 0x28] + bytes(",3\n"), formula: "y ~ x", expect: ["data.csv (line 3)", "invalid UTF-8"]),
        Case(name: "bad --se", data: bytes(good), formula: "y ~ x", extra: ["--se", "HC9"], expect: ["'HC9' is invalid for '--se", "classical", "HC3"]),
        Case(name: "bad --level", data: bytes(good), formula: "y ~ x", extra: ["--level", "95"], expect: ["--level 95"]),
        Case(name: "categorical response", data: bytes(good), formula: "g ~ x", expect: ["response 'g' holds text"]),
    ]

    @Test(arguments: cases)
    func failsCleanly(_ c: Case) throws {
        let dir = try CLI.temporaryDirectory()
        let data = dir + "/data.csv"
        if let bytes = c.data { _ = try CLI.write(bytes, named: "data.csv", in: dir) }
        let residuals = dir + "/out.csv", json = dir + "/out.json"
        let r = try CLI.run(["fit", data, "--formula", c.formula, "--residuals", residuals, "--json", json] + c.extra, in: dir)
        #expect(r.status == 1, "\(c.name): exit \(r.status), stderr: \(r.stderr)")
        let message = r.stderr.replacingOccurrences(of: dir + "/", with: "")
        for s in c.expect { #expect(message.contains(s), "\(c.name): «\(message)» lacks «\(s)»") }
        #expect(message.split(separator: "\n").count == 1, "\(c.name): message is not one line: \(message)")
        #expect(r.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: residuals) && !FileManager.default.fileExists(atPath: json))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "data.csv" }
        #expect(leftovers.isEmpty, "\(c.name): left behind \(leftovers)")
    }

    @Test func unwritableOutputLeavesNothingBehind() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write(Self.good, named: "data.csv", in: dir)
        let r = try CLI.run(["fit", data, "--formula", "y ~ x", "--json", dir + "/fit.json", "--residuals", dir + "/missing-dir/out.csv"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("missing-dir/out.csv: cannot write"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/fit.json"))
    }
}
