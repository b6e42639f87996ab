import Foundation
import Testing
import Varex

/// Bad input to the comparison commands: exit 1, one line naming what is wrong, no output file.
struct CompareCLITests {
    static let councils = CLI.fixture("councils/asc_2018_19.csv")

    struct Bad: CustomTestStringConvertible, Sendable {
        let name: String
        let args: [String]
        let expect: String
        var testDescription: String { name }
    }

    static let cases: [Bad] = [
        Bad(name: "funnel with two precisions", args: ["funnel", councils, "--indicator", "ascof_1a", "--se", "ascof_1a_moe", "--moe", "ascof_1a_moe"],
            expect: "give exactly one of --se, --moe, --denominator, --expected or --formula"),
        Bad(name: "funnel with a zero denominator", args: ["funnel", councils, "--indicator", "ascof_2a1", "--denominator", "ascof_2a1_num", "--kind", "rate"],
            expect: "column 'ascof_2a1_num': '0' is not positive"),
        Bad(name: "funnel of a text column", args: ["funnel", councils, "--indicator", "name", "--se", "ascof_1a_moe"],
            expect: "column 'name': 'Hartlepool' is not a number"),
        Bad(name: "funnel with an unknown column", args: ["funnel", councils, "--indicator", "ascof_1x", "--se", "ascof_1a_moe"],
            expect: "no column named 'ascof_1x'; did you mean 'ascof_1a'?"),
        Bad(name: "shrink without a variance", args: ["shrink", councils, "--estimate", "ascof_1a"],
            expect: "give exactly one of --se, --moe or --variance"),
        Bad(name: "rank with one replicate", args: ["rank", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                                                    "--justified", "need=imd_score", "--bootstrap", "1"],
            expect: "1 bootstrap replicates: ask for 2 to 1000000"),
        Bad(name: "peers by an unknown variable", args: ["peers", councils, "--id", "code", "--value", "asc_net_spend_per_adult_gbp", "--by", "imd_scor"],
            expect: "no column named 'imd_scor'; did you mean 'imd_score'?"),
        Bad(name: "peers with an unknown neighbour", args: ["peers", councils, "--id", "code", "--value", "asc_net_spend_per_adult_gbp",
                                                             "--neighbours", CLI.fixture("bad-input/neighbours_unknown.csv")],
            expect: "neighbours_unknown.csv, row 2 (line 3), column 'neighbour': no row of the data has the id 'XYZ'"),
        Bad(name: "explain of a log response with a column as base", args: ["explain", councils, "--formula",
                                                                            "log(asc_net_spend_per_adult_gbp, imd_score) ~ pop_65p",
                                                                            "--justified", "need=pop_65p"],
            expect: "the base of log(x, base) must be a positive number other than 1 (not a column)"),
        Bad(name: "report without its funnel precision", args: ["report", councils, "--formula", "asc_net_spend_per_adult_gbp ~ imd_score",
                                                                "--justified", "need=imd_score", "--funnel-indicator", "ascof_1a"],
            expect: "--funnel-indicator needs exactly one of"),
    ]

    @Test(arguments: cases)
    func rejects(_ c: Bad) throws {
        let dir = try CLI.temporaryDirectory()
        let out = dir + "/out.csv"
        var args = c.args + ["--out", out]
        if c.args.first == "report" { args += ["--html", dir + "/r.html"] }
        let r = try CLI.run(args)
        #expect(r.status == 1, "\(c.name): \(r.stderr)")
        #expect(r.stderr.contains(c.expect), "\(c.name): \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(c.name): \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}

/// `funnel`, `shrink`, `peers` and `index` read through the model commands' data path
/// (`DataInput`): `--join` adds another file's columns by the id, its report on stderr, and the
/// result equals the same command on a file joined by hand here.
struct SharedDataPathTests {
    @Test func joinWorksTheSameForEveryCommand() throws {
        let dir = try CLI.temporaryDirectory()
        let councils = try CSVReader.read(path: CLI.fixture("councils/asc_2018_19.csv"))
        let rural = try CSVReader.read(path: CLI.fixture("councils/rurality_2011.csv"))
        let code = councils.header.firstIndex(of: "code")!, rcode = rural.header.firstIndex(of: "code")!
        let pct = rural.header.firstIndex(of: "pct_rural_2011")!
        let byCode = Dictionary(uniqueKeysWithValues: rural.rows.map { ($0[rcode], $0[pct]) })
        func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let joinedByHand = ([councils.header + ["pct_rural_2011"]] + councils.rows.map { $0 + [byCode[$0[code]] ?? ""] })
            .map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
        let handFile = try CLI.write(joinedByHand, named: "joined.csv", in: dir)
        let lines: [[String]] = [
            ["index", "--id", "code", "--measure", "ascof_1a:+", "--measure", "pct_rural_2011:-"],
            ["funnel", "--id", "code", "--indicator", "ascof_1a", "--moe", "ascof_1a_moe"],
            ["shrink", "--id", "code", "--estimate", "ascof_1a", "--moe", "ascof_1a_moe"],
            ["peers", "--id", "code", "--value", "ascof_1a", "--by", "pct_rural_2011", "--by", "imd_score"],
        ]
        for line in lines {
            let joined = try CLI.run([line[0], CLI.fixture("councils/asc_2018_19.csv"), "--join", CLI.fixture("councils/rurality_2011.csv")]
                                     + line.dropFirst() + ["--out", "-"])
            let hand = try CLI.run([line[0], handFile] + line.dropFirst() + ["--out", "-"])
            #expect(joined.status == 0 && hand.status == 0, "\(line[0]): \(joined.stderr)\(hand.stderr)")
            #expect(!joined.stdout.isEmpty && joined.stdout == hand.stdout, "\(line[0]): --join differs from the file joined by hand")
        }
        let noID = try CLI.run(["funnel", CLI.fixture("councils/asc_2018_19.csv"), "--join", CLI.fixture("councils/rurality_2011.csv"),
                                "--indicator", "ascof_1a", "--moe", "ascof_1a_moe"])
        #expect(noID.status == 1 && noID.stderr.contains("--join needs --id"), "\(noID.stderr)")
    }
}

/// `funnel` and `shrink` with `--subset` and `--exclude` (R's subset semantics: the rows outside
/// are left out before the target, φ, τ² or the prior are estimated, and stay in the table with
/// the reason), against R on the rows kept (fixtures/reference/funnel_subset.csv and
/// shrink_subset.csv, make_subset_compare_reference.R): counts first, then values to 1e-9.
struct CompareSubsetTests {
    @Test func funnelOnASubsetAsR() throws {
        let r = try CLI.run(["funnel", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--indicator", "ascof_3a",
                             "--denominator", "ascof_3a_base", "--subset", "council_type != \"London Borough\"", "--exclude", "E06000001", "--out", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("outside the subset: 33; excluded: 1"), "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "f.csv")
        let rows = t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }
        #expect(rows.count == 152)
        #expect(rows.first { $0["code"] == "E06000001" }?["note"] == "left out: excluded")
        let got = rows.filter { !$0["value"]!.isEmpty }
        let want = try CLI.records(CLI.fixture("reference/funnel_subset.csv"))
        for (g, w) in paired(got, want) {
            #expect(g["code"] == w["code"])
            for key in ["target", "se", "z", "z_adjusted"] {
                #expect(CLI.close(Double(g[key]!)!, Double(w[key]!)!, rel: 1e-9, abs: 1e-12), "\(w["code"]!) \(key)")
            }
        }
    }

    @Test func shrinkageOnASubsetAsR() throws {
        let r = try CLI.run(["shrink", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--estimate", "ascof_1a", "--moe", "ascof_1a_moe",
                             "--subset", "imd_score > 20", "--out", "-"])
        #expect(r.status == 0, "\(r.stderr)")
        let t = try CSVReader.parse(Array(r.stdout.utf8), file: "s.csv")
        let got = t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }.filter { !$0["shrunken"]!.isEmpty }
        let want = try CLI.records(CLI.fixture("reference/shrink_subset.csv"))
        for (g, w) in paired(got, want) {
            #expect(g["code"] == w["code"])
            for key in ["shrunken", "posterior_sd"] {
                #expect(CLI.close(Double(g[key]!)!, Double(w[key]!)!, rel: 1e-9), "\(w["code"]!) \(key)")
            }
        }
        let unknown = try CLI.run(["shrink", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--estimate", "ascof_1a", "--moe", "ascof_1a_moe",
                                   "--exclude", "NOPE"])
        #expect(unknown.status != 0 && unknown.stderr.contains("NOPE"), "\(unknown.stderr)")
    }

    /// `peers` and `index` with `--subset` and `--exclude`: the kept rows' results equal the same
    /// command on a file holding only those rows (written here, by hand), so the left-out
    /// councils neither serve as peers nor move the z-scores; every left-out row is still in the
    /// table, in its place, with its id, label and the reason.
    @Test func peersAndIndexOnASubsetEqualTheFileFilteredByHand() throws {
        let dir = try CLI.temporaryDirectory()
        let councils = try CSVReader.read(path: CLI.fixture("councils/asc_2018_19.csv"))
        let col = { (name: String) in councils.header.firstIndex(of: name)! }
        let kept = councils.rows.filter { $0[col("council_type")] != "London Borough" && $0[col("code")] != "E06000002" }
        #expect(kept.count == 152 - 33 - 1)
        func quote(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let hand = try CLI.write(([councils.header] + kept).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n",
                                 named: "kept.csv", in: dir)
        let lines: [[String]] = [
            ["peers", "--id", "code", "--label", "name", "--value", "ascof_1a", "--by", "imd_score", "--by", "pop_65p", "--peers", "5"],
            ["index", "--id", "code", "--label", "name", "--measure", "ascof_1a:+", "--measure", "ascof_3a:+", "--normalise", "z"],
        ]
        for line in lines {
            let subset = try CLI.run([line[0], CLI.fixture("councils/asc_2018_19.csv")] + line.dropFirst()
                                     + ["--subset", "council_type != \"London Borough\"", "--exclude", "E06000002", "--out", "-"])
            let byHand = try CLI.run([line[0], hand] + line.dropFirst() + ["--out", "-"])
            #expect(subset.status == 0 && byHand.status == 0, "\(line[0]): \(subset.stderr)\(byHand.stderr)")
            #expect(subset.stderr.contains("34 of 152 rows left out (outside the subset: 33; excluded: 1)"), "\(subset.stderr)")
            let a = try CSVReader.parse(Array(subset.stdout.utf8), file: "a.csv"), b = try CSVReader.parse(Array(byHand.stdout.utf8), file: "b.csv")
            #expect(a.header == b.header && a.rows.count == 152 && b.rows.count == 118)
            let note = a.header.firstIndex(of: "note")!
            let left = a.rows.filter { $0[note].hasPrefix("left out: ") }
            #expect(left.count == 34)
            #expect(left.first { $0[0] == "E06000002" }.map { [$0[1], $0[note]] } == ["Middlesbrough", "left out: excluded"])
            #expect(left.allSatisfy { $0[2..<note].allSatisfy(\.isEmpty) })
            #expect(a.rows.map { $0[0] } == councils.rows.map { $0[col("code")] }, "every row in its place")
            #expect(a.rows.filter { !$0[note].hasPrefix("left out: ") } == b.rows, "\(line[0]): the kept rows differ from the file filtered by hand")
        }
    }
}
