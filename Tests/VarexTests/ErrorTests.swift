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

/// Library errors name the problem, not a command-line flag: every error that names a setting
/// says it as a request does (`exclude`, `scale`), and a front end's names replace them.
struct SettingMessageTests {
    static let loc = CellLocation(file: "d.csv", row: 3, column: "pop")
    static let errors: [any SettingMessage] = [
        ExplainError.unclassifiedTerms(["x"]), ExplainError.scaleMissing(loc), ExplainError.scaleNotPositive(loc, text: "-1"),
        ExplainError.invalidMeasure("a"), ExplainError.invalidWeight("a"), ExplainError.weightForUnknownMeasure("a=2"),
        ExplainError.unknownExcludedID("E0"), ExplainError.bootstrapFailed(attempts: 1000),
        ExplainError.outsideRange(loc, unit: "Leeds", text: "120", range: 0...100, kind: "a percentage"),
        FormulaError.unknownReference(variable: "t", level: "Z", levels: ["A", "B"]), FormulaError.referenceForUnknownVariable("t"),
        FormulaError.referenceInFormula(formula: "y ~ C(t, B)", position: 8, function: "C"),
        RequestError.invalidLevel(2), RequestError.invalidReference("t"), RequestError.invalidTolerance(3), RequestError.joinNeedsID,
        OutputError.fixtureExists(folder: "f", file: "summary.json"),
    ]

    struct Marked: SettingNames {
        func name(_ setting: Setting) -> String { "<\(setting.rawValue)>" }
    }

    @Test func libraryMessagesNameNoFlag() {
        for e in Self.errors {
            #expect(!e.description.contains("--"), "\(e.description)")
            // Every one of these names its setting, so a front end can rename it.
            #expect(e.message(naming: Marked()).contains("<"), "\(e.description)")
        }
        #expect(ExplainError.unknownExcludedID("E0").description == "exclude E0: no row has that id")
        #expect(RequestError.joinNeedsID.description == "join needs id: the column both files share (e.g. id code)")
        #expect(ExplainError.invalidMeasure("a").message(naming: Marked()).hasPrefix("<measure> a:"))
        #expect(RequestError.invalidTolerance(3).message(naming: Marked()).hasPrefix("<tolerance> 3.0:"))
    }
}
