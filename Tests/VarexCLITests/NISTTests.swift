import Foundation
import Testing

/// All 11 NIST StRD linear-regression datasets through `varex fit`, against the certified
/// values parsed from the files themselves. Every coefficient, standard error, the residual SD
/// and R² must reach a log relative error (LRE) of at least 10 (the README's claim), under every
/// OpenBLAS kernel the CPU can run (without the second, compensated refinement phase Wampler5
/// reached 9.4 under SkylakeX); for Wampler1 and Wampler2, exact
/// fits whose certified SEs and residual SD are 0, those are checked as absolute errors ≤ 1e-9.
struct NISTTests {
    struct Certified {
        var estimates: [Double] = []
        var standardErrors: [Double] = []
        var residualSD = Double.nan
        var rSquared = Double.nan
        var header: [String] = []
        var rows: [[String]] = []
    }

    /// Parses an StRD file: parameter lines `Bk estimate sd`, the residual SD and R², and the
    /// data block after the `Data:` line that names the variables.
    static func certified(_ name: String) throws -> Certified {
        let text = try String(contentsOfFile: CLI.fixture("nist/\(name).dat"), encoding: .utf8)
        var c = Certified()
        var inData = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let f = raw.split(whereSeparator: { $0 == " " || $0 == "\r" }).map(String.init)
            if f.first == "Data:", f.count >= 2, f[1] == "y" { c.header = Array(f.dropFirst()); inData = true; continue }
            if inData { if f.count == c.header.count { c.rows.append(f) }; continue }
            if f.count == 3, f[0].range(of: #"^B\d+$"#, options: .regularExpression) != nil,
               let e = Double(f[1]), let s = Double(f[2]) { c.estimates.append(e); c.standardErrors.append(s) }
            if f.count == 3, f[0] == "Standard", f[1] == "Deviation", let v = Double(f[2]) { c.residualSD = v }
            if f.count == 2, f[0] == "R-Squared", let v = Double(f[1]) { c.rSquared = v }
        }
        return c
    }

    static let formulas: [String: String] = [
        "Norris": "y ~ x",
        "Pontius": "y ~ x + I(x^2)",
        "NoInt1": "y ~ 0 + x",
        "NoInt2": "y ~ 0 + x",
        "Filip": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5) + I(x^6) + I(x^7) + I(x^8) + I(x^9) + I(x^10)",
        "Longley": "y ~ x1 + x2 + x3 + x4 + x5 + x6",
        "Wampler1": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5)",
        "Wampler2": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5)",
        "Wampler3": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5)",
        "Wampler4": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5)",
        "Wampler5": "y ~ x + I(x^2) + I(x^3) + I(x^4) + I(x^5)",
    ]

    static func lre(_ got: Double, _ want: Double) -> Double {
        if got == want { return 16 }
        if want == 0 { return -log10(abs(got)) }
        return min(16, -log10(abs(got - want) / abs(want)))
    }

    /// The OpenBLAS kernels whose spread the QR's last bits showed (issue 19), each with the
    /// CPU flag it needs in /proc/cpuinfo (SSE3 is listed as `pni`); "" is the kernel OpenBLAS
    /// picks itself.
    static let kernels: [(name: String, flag: String?)] = [
        ("", nil), ("Prescott", "pni"), ("Sandybridge", "avx"), ("Haswell", "avx2"), ("Zen", "avx2"), ("SkylakeX", "avx512f"),
    ]

    /// The kernels this CPU can run; the others are named on standard error as skipped.
    static var runnableKernels: [String] {
        let flags = Set(((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
            .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        var names: [String] = []
        for k in kernels {
            if let flag = k.flag, !flags.contains(flag) {
                FileHandle.standardError.write(Data("NISTTests: OPENBLAS_CORETYPE=\(k.name) skipped: this CPU has no \(flag)\n".utf8))
            } else {
                names.append(k.name)
            }
        }
        return names
    }

    /// Every dataset under every kernel this CPU runs: the refined solution must not depend on
    /// the factorisation the kernel produced. OPENBLAS_CORETYPE is set for the child process only.
    @Test(arguments: formulas.keys.sorted())
    func certifiedValues(_ name: String) throws {
        let kernels = Self.runnableKernels
        #expect(kernels.contains("") && kernels.contains("Prescott"))
        for kernel in kernels { try check(name, kernel: kernel) }
    }

    func check(_ name: String, kernel: String) throws {
        let c = try Self.certified(name)
        #expect(!c.estimates.isEmpty && c.estimates.count == c.standardErrors.count && !c.rows.isEmpty)
        // The data go to a CSV exactly as printed in the file (no rounding on the way).
        let dir = try CLI.temporaryDirectory()
        let csv = ([c.header] + c.rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let data = try CLI.write(csv, named: "\(name).csv", in: dir)
        let json = dir + "/fit.json"
        let environment = kernel.isEmpty ? [:] : ["OPENBLAS_CORETYPE": kernel]
        let r = try CLI.run(["fit", data, "--formula", Self.formulas[name]!, "--json", json], environment: environment)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let coefs = obj["coefficients"] as! [[String: Any]]
        #expect(coefs.count == c.estimates.count)
        let exact = name == "Wampler1" || name == "Wampler2"
        let at = kernel.isEmpty ? "default kernel" : "OPENBLAS_CORETYPE=\(kernel)"
        for (k, row) in coefs.enumerated() {
            let b = row["estimate"] as! Double
            #expect(Self.lre(b, c.estimates[k]) >= 10, "\(name) (\(at)) B\(k) estimate \(b) LRE \(Self.lre(b, c.estimates[k]))")
            let se = (row["std_error"] as? Double) ?? .nan
            if exact {
                #expect(abs(se - c.standardErrors[k]) <= 1e-9, "\(name) (\(at)) B\(k) SE \(se)")
            } else {
                #expect(Self.lre(se, c.standardErrors[k]) >= 10, "\(name) (\(at)) B\(k) SE \(se) LRE \(Self.lre(se, c.standardErrors[k]))")
            }
        }
        let sigma = obj["sigma"] as! Double
        let r2 = obj["r_squared"] as! Double
        if exact {
            #expect(abs(sigma - c.residualSD) <= 1e-9, "\(name) (\(at)) sigma \(sigma)")
        } else {
            #expect(Self.lre(sigma, c.residualSD) >= 10, "\(name) (\(at)) sigma LRE \(Self.lre(sigma, c.residualSD))")
        }
        #expect(Self.lre(r2, c.rSquared) >= 10, "\(name) (\(at)) R² LRE \(Self.lre(r2, c.rSquared))")
    }
}
