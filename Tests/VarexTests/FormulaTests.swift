import Testing
@testable import Varex
@testable import VarexAnalysis

struct FormulaTests {
    @Test func termsAndLabelsAsR() throws {
        let f = try Formula("log(y) ~ b:a + a + I(x^2) + log(pop_85p/pop_18p) + C(g) - 1")
        #expect(f.variables.map(\.label) == ["log(y)", "b", "a", "I(x^2)", "log(pop_85p/pop_18p)", "C(g)"])
        #expect(f.terms.map(\.label) == ["a", "I(x^2)", "log(pop_85p/pop_18p)", "C(g)", "b:a"])
        #expect(!f.hasIntercept)
    }

    @Test func crossingNestingAndPowers() throws {
        #expect(try Formula("y ~ a * b").terms.map(\.label) == ["a", "b", "a:b"])
        #expect(try Formula("y ~ a * b - a:b").terms.map(\.label) == ["a", "b"])
        #expect(try Formula("y ~ (a + b + c)^2").terms.map(\.label) == ["a", "b", "c", "a:b", "a:c", "b:c"])
        #expect(try Formula("y ~ a/b").terms.map(\.label) == ["a", "a:b"])
        #expect(try Formula("y ~ x + 0").hasIntercept == false)
        #expect(try Formula("y ~ 0 + x + 1").hasIntercept == true)
    }

    @Test func deparseLikeR() throws {
        #expect(try Formula("y ~ I(a*b + c - 2^-1)").terms[0].label == "I(a * b + c - 2^-1)")
        #expect(try Formula("y ~ I(100*x/ z)").terms[0].label == "I(100 * x/z)")
        #expect(try Formula("y ~ I(x * 1e5)").terms[0].label == "I(x * 1e+05)")
        #expect(try Formula("y ~ I(x * 0.001)").terms[0].label == "I(x * 0.001)")
        #expect(try Formula("y ~ log(x, 2)").terms[0].label == "log(x, 2)")
    }

    @Test func syntaxErrorsPointAtTheirPosition() {
        #expect(throws: FormulaError.syntax(formula: "y ~ a +", position: 8, message: "expected a term but found the end of the formula")) {
            try Formula("y ~ a +")
        }
        #expect(throws: FormulaError.syntax(formula: "y ~ (a + b", position: 11, message: "expected ')' but found the end of the formula")) {
            try Formula("y ~ (a + b")
        }
        #expect(throws: FormulaError.unknownFunction(formula: "y ~ foo(x)", position: 5, name: "foo")) { try Formula("y ~ foo(x)") }
        #expect(throws: FormulaError.syntax(formula: "y ~ a $ b", position: 7, message: "unexpected character '$'")) { try Formula("y ~ a $ b") }
        #expect(throws: FormulaError.syntax(formula: "y ~ 2", position: 5, message: "a number in a formula term must be 0 or 1; for arithmetic write I(...)")) {
            try Formula("y ~ 2")
        }
    }

    @Test func designFollowsRsCodingRules() throws {
        let csv = "y,x,g,h\n1,2,a,u\n2,3,b,v\n4,1,c,u\n3,5,a,v\n6,2,b,u\n5,4,c,v\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
        func names(_ f: String, _ refs: [String: String] = [:]) throws -> [String] {
            try DesignMatrix(formula: Formula(f), table: t, options: DesignOptions(references: refs)).columnNames
        }
        #expect(try names("y ~ x + g") == ["(Intercept)", "x", "gb", "gc"])
        #expect(try names("y ~ x + g", ["g": "c"]) == ["(Intercept)", "x", "ga", "gb"])
        #expect(try names("y ~ 0 + g + h") == ["ga", "gb", "gc", "hv"])
        #expect(try names("y ~ x:g") == ["(Intercept)", "x:ga", "x:gb", "x:gc"])
        #expect(try names("y ~ g*h") == ["(Intercept)", "gb", "gc", "hv", "gb:hv", "gc:hv"])
        #expect(try names("y ~ C(x)") == ["(Intercept)", "C(x)2", "C(x)3", "C(x)4", "C(x)5"])
        #expect(throws: FormulaError.unknownReference(variable: "g", level: "z", levels: ["a", "b", "c"])) { try names("y ~ g", ["g": "z"]) }
        #expect(throws: FormulaError.referenceForUnknownVariable("q")) { try names("y ~ g", ["q": "a"]) }
        #expect(throws: FormulaError.categoricalResponse("g")) { try names("g ~ x") }
    }

    @Test func rowsLeftOutAreReportedWithReasons() throws {
        let csv = "y,x,w\n1,2,1\n2,NA,1\n4,-1,1\n3,5,0\n6,2,2\n5,4,1\n"
        let t = Table(records: try CSVReader.parse(Array(csv.utf8), file: "t.csv"), source: "t.csv")
        let d = try DesignMatrix(formula: Formula("y ~ log(x)"), table: t, options: DesignOptions(weights: "w"))
        #expect(d.rows == [0, 4, 5])
        #expect(d.dropped == [DroppedRow(row: 1, reason: "missing x"), DroppedRow(row: 2, reason: "log(x) is not finite"),
                              DroppedRow(row: 3, reason: "weight is zero")])
    }
}

/// Constants in term names as R's deparse prints them (R 4.2: `deparse(v)` for each value).
struct RNumberFormatTests {
    @Test(arguments: [(1e-300, "1e-300"), (1.5e20, "1.5e+20"), (1e5, "1e+05"), (123456, "123456"), (0.0001, "1e-04"),
                      (1e-5, "1e-05"), (2.5e-7, "2.5e-07"), (1e15, "1e+15"), (1e16, "1e+16"), (123456789012, "123456789012"),
                      (0.1 + 0.2, "0.3"), (3.14159265358979, "3.14159265358979"), (1e6, "1e+06"), (-0.5, "-0.5"), (100, "100")])
    func deparseAsR(_ v: Double, _ r: String) {
        #expect(RNumberFormat.deparse(v) == r)
    }
}

