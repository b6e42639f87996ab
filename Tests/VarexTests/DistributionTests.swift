import Testing
@testable import Varex
@testable import VarexAnalysis

/// Normal, t and F CDFs and quantiles against R 4.2's `pnorm`, `qnorm`, `pt`, `qt`, `pf`, `qf`
/// (fixtures/reference/dist_*.csv, made by make_reference.R), to 1e-12 relative.
struct DistributionTests {
    static let rel = 1e-12

    @Test func normal() throws {
        for row in try Fixtures.csv("reference/dist_normal_cdf.csv").rows {
            let x = rNumber(row[0]), want = rNumber(row[1])
            #expect(close(Normal.cdf(x), want, rel: Self.rel), "pnorm(\(x)) = \(Normal.cdf(x)) vs \(want)")
        }
        for row in try Fixtures.csv("reference/dist_normal_quantile.csv").rows {
            let p = rNumber(row[0]), want = rNumber(row[1])
            #expect(close(Normal.quantile(p), want, rel: Self.rel), "qnorm(\(p)) = \(Normal.quantile(p)) vs \(want)")
        }
    }

    @Test func studentT() throws {
        for row in try Fixtures.csv("reference/dist_t_cdf.csv").rows {
            let x = rNumber(row[0]), df = rNumber(row[1]), want = rNumber(row[2])
            let got = StudentT(df: df).cdf(x)
            #expect(close(got, want, rel: Self.rel), "pt(\(x), \(df)) = \(got) vs \(want)")
        }
        for row in try Fixtures.csv("reference/dist_t_quantile.csv").rows {
            let p = rNumber(row[0]), df = rNumber(row[1]), want = rNumber(row[2])
            let got = StudentT(df: df).quantile(p)
            #expect(close(got, want, rel: Self.rel), "qt(\(p), \(df)) = \(got) vs \(want)")
        }
    }

    /// χ² upper tails and cdf against `pchisq` (fixtures/reference/dist_chisq.csv, made by
    /// make_glm_inference_reference.R), tails down to 1e-300, 1e-12 relative.
    @Test func chiSquared() throws {
        let rows = try Fixtures.csv("reference/dist_chisq.csv").rows
        #expect(rows.count == 77)
        for row in rows {
            let x = rNumber(row[0]), df = rNumber(row[1])
            let c = ChiSquared(df: df)
            #expect(close(c.survival(x), rNumber(row[2]), rel: Self.rel), "pchisq(\(x), \(df), lower = F) = \(c.survival(x)) vs \(row[2])")
            #expect(close(c.cdf(x), rNumber(row[3]), rel: Self.rel), "pchisq(\(x), \(df)) = \(c.cdf(x)) vs \(row[3])")
        }
    }

    @Test func fDistribution() throws {
        for row in try Fixtures.csv("reference/dist_f_cdf.csv").rows {
            let x = rNumber(row[0]), d1 = rNumber(row[1]), d2 = rNumber(row[2])
            let f = FDistribution(df1: d1, df2: d2)
            #expect(close(f.cdf(x), rNumber(row[3]), rel: Self.rel), "pf(\(x), \(d1), \(d2)) = \(f.cdf(x)) vs \(row[3])")
            #expect(close(f.survival(x), rNumber(row[4]), rel: Self.rel), "pf(\(x), \(d1), \(d2), lower = F) = \(f.survival(x)) vs \(row[4])")
        }
        for row in try Fixtures.csv("reference/dist_f_quantile.csv").rows {
            let p = rNumber(row[0]), d1 = rNumber(row[1]), d2 = rNumber(row[2]), want = rNumber(row[3])
            let got = FDistribution(df1: d1, df2: d2).quantile(p)
            #expect(close(got, want, rel: Self.rel), "qf(\(p), \(d1), \(d2)) = \(got) vs \(want)")
        }
    }
}
