import Testing
@testable import Varex
@testable import VarexAnalysis

/// The exit-status contract: 1 for bad input or usage, 2 for a numerical failure.
struct ErrorTests {
    @Test func exitCodes() {
        #expect(ModelError.numerical("dgeqrf failed").exitCode == 2)
        #expect(ModelError.constantResponse("y").exitCode == 1)
        #expect(DataError.fileNotFound(path: "x.csv").exitCode == 1)
        #expect(FormulaError.emptyModel("y ~ 0").exitCode == 1)
        #expect(ExplainError.needsIntercept.exitCode == 1)
        #expect(SpecError.missingKey(path: "s.yaml", key: "formula").exitCode == 1)
        #expect(ModelError.numerical("dgeqrf failed").description == "numerical failure: dgeqrf failed")
    }

    @Test func explainNeedsAnIntercept() throws {
        let t = Table(records: try CSVReader.parse(Array("y,x\n1,2\n2,3\n4,1\n3,5\n".utf8), file: "t.csv"), source: "t.csv")
        let fit = try LinearModel.fit(DesignMatrix(formula: Formula("y ~ 0 + x"), table: t))
        let grouping = try TermGrouping(groups: [TermGroup(name: "g", justified: true, terms: ["x"])], formula: fit.design.formula)
        #expect(throws: ExplainError.needsIntercept) { try Decomposition(fit: fit, grouping: grouping) }
    }
}
