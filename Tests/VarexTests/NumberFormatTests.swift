import Testing
@testable import Varex

/// `NumberFormat.significant` at every power of ten and just below it: R prints 1e21 as `1e+21`
/// (Varex printed `10e+20`: its exponent came from dividing by 10 twenty-one times).
struct NumberFormatTests {
    @Test func powersOfTenKeepTheirExponent() {
        for k in -30...30 {
            let x = Double("1e\(k)")!
            let got = NumberFormat.significant(x, 6)
            let want: String
            if k < -4 || k >= 8 {
                want = "1e" + (k < 0 ? "-" : "+") + (abs(k) < 10 ? "0" : "") + String(abs(k))
            } else if k >= 0 {
                want = "1" + String(repeating: "0", count: k)
            } else {
                want = "0." + String(repeating: "0", count: -k - 1) + "1"
            }
            #expect(got == want, "1e\(k): \(got)")
            #expect(x.exponentBase10 == Double(k), "exponent of 1e\(k)")
            #expect(x.nextDown.exponentBase10 == Double(k - 1), "exponent just below 1e\(k)")
        }
        // Rounding that carries into the next decade.
        #expect(NumberFormat.significant(9.9999996e20, 6) == "1e+21")
        #expect(NumberFormat.significant(-3.1943e21, 5) == "-3.1943e+21")
        #expect(NumberFormat.significant(1.5e-320, 4) == "1.5e-320" && NumberFormat.significant(1.7976931348623157e308, 4) == "1.798e+308")
    }
}
