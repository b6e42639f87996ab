import Foundation
import Testing
@testable import Varex
@testable import VarexAnalysis

/// Paths and helpers shared by the tests.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures").standardized.path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// A reference CSV as header + rows of strings.
    static func csv(_ relative: String) throws -> (header: [String], rows: [[String]]) {
        let r = try CSVReader.read(path: path(relative))
        return (r.header, r.rows)
    }
}

/// `got` agrees with `want` to `rel` relative error, or to `abs` absolute error (for values
/// near zero, where the relative error of both programs is dominated by cancellation).
func close(_ got: Double, _ want: Double, rel: Double, abs absTol: Double = 0) -> Bool {
    if want.isNaN { return got.isNaN }
    if got == want { return true }
    let d = Swift.abs(got - want)
    return d <= rel * Swift.abs(want) || d <= absTol
}

/// R's "NA" as NaN, numbers as doubles.
func rNumber(_ s: String) -> Double { s == "NA" ? .nan : Double(s)! }
