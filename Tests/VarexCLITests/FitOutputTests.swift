import Foundation
import Testing
import Varex
import VarexAnalysis

/// What `varex fit` and `varex demo` write when all goes well.
struct FitOutputTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")
    static let outcome = "ascof_1a ~ log(asc_net_spend_per_adult_gbp) + imd_score + region"

    @Test func jsonSummaryHasExactlyTheAgreedKeys() throws {
        let r = try CLI.run(["fit", Self.councils, "--formula", Self.outcome, "--json", "-", "--se", "HC1"])
        #expect(r.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(Set(obj.keys) == ["kind", "formula", "n", "n_dropped", "df_residual", "covariance", "coefficients", "log_likelihood", "aic",
                                  "bic", "deviance", "warnings", "rank", "sigma", "r_squared", "adj_r_squared", "f_statistic", "f_p_value"])
        let coefs = obj["coefficients"] as! [[String: Any]]
        #expect(Set(coefs[0].keys) == ["term", "estimate", "std_error", "statistic", "df", "p_value", "ci_low", "ci_high"])
        #expect(obj["n"] as? Int == 151 && obj["n_dropped"] as? Int == 1 && obj["covariance"] as? String == "HC1")
        #expect(obj["kind"] as? String == "linear" && coefs[0]["df"] as? Int == obj["df_residual"] as? Int && (obj["warnings"] as? [String]) == [])
        #expect(r.stderr.contains("1 of 152 rows left out of the fit (missing ascof_1a: 1)"))
    }

    @Test func aliasedTermsAreNullInJSONAndNAInText() throws {
        let f = "asc_net_spend_k ~ pop_18_64 + pop_65p + pop_18p + imd_score"
        let j = try CLI.run(["fit", Self.councils, "--formula", f, "--format", "json"])
        let obj = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any]
        let coefs = obj["coefficients"] as! [[String: Any]]
        let aliased = coefs.first { $0["term"] as? String == "pop_18p" }!
        #expect(aliased["estimate"] is NSNull && aliased["std_error"] is NSNull)
        #expect(obj["rank"] as? Int == 4)
        #expect(j.stderr.contains("1 term is not estimable (a linear combination of earlier terms): pop_18p"))
        let t = try CLI.run(["fit", Self.councils, "--formula", f])
        #expect(t.stdout.contains("(1 not defined because of singularities)"))
        #expect(t.stdout.range(of: #"pop_18p\s+NA\s+NA\s+NA\s+NA"#, options: .regularExpression) != nil)
    }

    @Test func residualTableListsEveryRowAndRoundTrips() throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/res.csv"
        let r = try CLI.run(["fit", Self.councils, "--formula", Self.outcome, "--id", "code", "--residuals", out, "--format", "markdown"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("| `imd_score` |"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 153)
        #expect(lines[0].hasPrefix("code,observed,fitted,residual,std_residual,studentized_residual,leverage,cooks_distance,dffits,covratio,pi_low,pi_high,dfbetas_(Intercept),"))
        #expect(lines[0].hasSuffix(",influential,note"))
        let scilly = lines.first { $0.hasPrefix("E06000053,") }!
        #expect(scilly.hasSuffix(",left out: missing ascof_1a"))
        // Every number written parses back to exactly the double the library computed.
        let expected = try FitAnalysis(FitRequest(dataPath: Self.councils, formula: Self.outcome, id: "code")).residuals()
        for (i, line) in lines.dropFirst().enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            for (j, cell) in expected.rows[i].enumerated() {
                if case let .number(x) = cell { #expect(Double(cells[j]) == x, "row \(i + 1) column \(j)") }
            }
        }
    }

    @Test func formulaLikeTextIsNeutralisedInCSV() throws {
        let dir = try CLI.temporaryDirectory()
        let data = try CLI.write("id,y,x\n=cmd(),1,2\n+SUM,2,3\n-x,4,1\n@a,3,5\nplain,6,2\n", named: "d.csv", in: dir)
        let r = try CLI.run(["fit", data, "--formula", "y ~ x", "--id", "id", "--residuals", "-"])
        #expect(r.status == 0)
        let ids = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(ids == ["'=cmd()", "'+SUM", "'-x", "'@a", "plain"])
    }

    @Test func readsStandardInput() throws {
        let r = try CLI.run(["fit", "-", "--formula", "y ~ x", "--format", "csv"], stdin: Data("y,x\n1,1\n2,2.5\n2.9,3\n4.2,4\n".utf8))
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("term,estimate,std_error,t,p_value,ci_low,ci_high\n(Intercept),"))
    }

    @Test func demoRunsWithNoArguments() throws {
        for args in [[String](), ["demo"]] {
            let r = try CLI.run(args, in: CLI.repository)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("150 English councils"))
            #expect(r.stdout.contains("imd_score"))
            #expect(r.stdout.contains("Shares of the variation"))
            #expect(r.stdout.contains("Open Government Licence"))
        }
    }

    @Test func helpShowsExamples() throws {
        let r = try CLI.run(["fit", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Examples:"))
        #expect(r.stdout.contains("--se HC3"))
    }

    @Test func anExactFitSaysSoAndLeavesUndefinedMeasuresEmpty() throws {
        let r = try CLI.run(["fit", "-", "--formula", "y ~ x", "--residuals", "-"], stdin: Data("y,x\n1,2\n3,5\n".utf8))
        #expect(r.status == 0)
        #expect(r.stderr.contains("as many usable rows as coefficients"))
        let rows = r.stdout.split(separator: "\n").dropFirst()
        #expect(rows.allSatisfy { $0.contains(",1,,,,,,,,FALSE,") && $0.hasSuffix("leverage 1: the fit passes through this row") })
    }
}

/// `fit` takes `--label`, `--exclude`, `--join` and `--keep` like `explain`: one model run.
struct FitRunOptionsTests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")

    /// Excluding two councils equals fitting without them (R: `councils_outcome` already leaves a
    /// row out; here the check is that the excluded rows are out of the fit, noted, and the kept
    /// and label columns are the input's own cells), and a joined column enters the formula.
    @Test func labelExcludeJoinAndKeep() throws {
        let r = try CLI.run(["fit", Self.councils, "--id", "code", "--label", "name", "--keep", "region,council_type",
                             "--join", CLI.fixture("councils/gross_spend_2018_19.csv"),
                             "--exclude", "E09000001", "--exclude", "E06000053",
                             "--formula", "I(asc_gross_expenditure_k * 1000/pop_18p) ~ imd_score", "--residuals", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "out")
        #expect(Array(t.header.prefix(5)) == ["code", "name", "region", "council_type", "observed"])
        let data = try CSVReader.read(path: Self.councils)
        let nameColumn = data.header.firstIndex(of: "name")!, regionColumn = data.header.firstIndex(of: "region")!
        for (row, input) in paired(t.rows, data.rows) {
            #expect(row[0] == input[0] && row[1] == input[nameColumn] && row[2] == input[regionColumn])
        }
        let excluded = t.rows.filter { $0[0] == "E09000001" || $0[0] == "E06000053" }
        // Excluded councils are predicted out of sample (checked against predict.lm in PredictionTests).
        #expect(excluded.count == 2 && excluded.allSatisfy { !$0[4].isEmpty && $0.last == "out of sample: excluded" })
        #expect(r.stderr.contains("2 of 152 rows left out of the fit (excluded: 2)"))
    }

    /// The same model with the two councils deleted from the file gives the same coefficients.
    @Test func excludingEqualsDeleting() throws {
        let dir = try CLI.temporaryDirectory()
        let text = try String(contentsOfFile: Self.councils, encoding: .utf8)
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("E09000001,") && !$0.hasPrefix("E06000053,") }.joined(separator: "\n")
        let smaller = try CLI.write(kept, named: "smaller.csv", in: dir)
        let formula = "asc_net_spend_per_adult_gbp ~ imd_score + council_type"
        let a = try CLI.run(["fit", Self.councils, "--id", "code", "--exclude", "E09000001", "--exclude", "E06000053", "--formula", formula, "--format", "csv"])
        let b = try CLI.run(["fit", smaller, "--id", "code", "--formula", formula, "--format", "csv"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout == b.stdout)
    }

    @Test func unknownKeptColumnOrExcludedIdIsAnError() throws {
        let keep = try CLI.run(["fit", Self.councils, "--id", "code", "--keep", "regoin", "--formula", "asc_net_spend_k ~ imd_score"])
        #expect(keep.status == 1 && keep.stderr.contains("no column named 'regoin'; did you mean 'region'?"))
        let exclude = try CLI.run(["fit", Self.councils, "--id", "code", "--exclude", "E0", "--formula", "asc_net_spend_k ~ imd_score"])
        #expect(exclude.status == 1 && exclude.stderr.contains("--exclude E0: no row has that id"))
    }
}
