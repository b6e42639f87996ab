import Testing
@testable import Varex
@testable import VarexAnalysis

/// Numbers written straight to bytes are Swift's `description` of the value (the shortest text
/// that reads back to the same double), without a trailing ".0", and read back exactly.
struct NumberBytesTests {
    static func text(_ x: Double) -> String {
        var bytes: [UInt8] = []
        NumberFormat.appendRoundTrip(x, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func spellingsOfAwkwardValues() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "-0"), (3, "3"), (-12, "-12"), (0.1, "0.1"), (1.5, "1.5"), (1e-05, "1e-05"),
            (0.0001, "0.0001"), (1e16, "1e+16"), (123456789, "123456789"), (0.6840127272356397, "0.6840127272356397"),
            (-0.0006913081924059777, "-0.0006913081924059777"), (2.2250738585072014e-308, "2.2250738585072014e-308"),
            (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (100.0, "100"),
        ]
        for (x, expected) in cases { #expect(Self.text(x) == expected, "\(x)") }
    }

    @Test func randomValuesAreTheirDescriptionAndReadBack() {
        var rng = SplitMix(seed: 20261124)
        var bytes: [UInt8] = []
        for k in 0..<200_000 {
            // Every bit pattern class: random bits (any exponent), and values of data's sizes.
            let x = k % 2 == 0 ? Double(bitPattern: rng.next()) : (Double(rng.next() >> 11) / Double(1 << 53) - 0.5) * 1000
            guard x.isFinite else { continue }
            bytes.removeAll(keepingCapacity: true)
            bytes.append(contentsOf: "x,".utf8)   // appends, never overwrites what is there
            NumberFormat.appendRoundTrip(x, to: &bytes)
            var expected = x.description
            if expected.hasSuffix(".0") { expected.removeLast(2) }
            let written = String(decoding: bytes, as: UTF8.self)
            #expect(written == "x," + expected)
            #expect(Double(String(written.dropFirst(2))) == x)
            if written != "x," + expected { break }
        }
    }

    @Test func integersAreTheirDecimalDigits() {
        for i in [0, 7, -7, 10, 1_000_000, -999, Int.max, Int.min] {
            var bytes: [UInt8] = [65]
            NumberFormat.appendInteger(i, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "A" + String(i))
        }
    }

    @Test func rowsAreRFC4180Lines() {
        let row: [Cell] = [.text("a,b"), .number(2.5), .number(.nan), .integer(-3), .bool(true), .empty, .text("=1+1"), .number(4)]
        #expect(CSVWriter.line(row, dialect: .rfc4180) == "\"a,b\",2.5,,-3,TRUE,,'=1+1,4\n")
        #expect(CSVWriter.line(row, dialect: .excel) == "\"a,b\",2.5,,-3,TRUE,,'=1+1,4\r\n")
        // Texts written as they are, and texts that need the apostrophe or quotes, whatever their characters.
        let texts: [(String, String)] = [("", ""), ("E06000001", "E06000001"), ("Bath & N.E. Somerset", "Bath & N.E. Somerset"),
                                          ("Ynys Môn", "Ynys Môn"), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("a\nb", "\"a\nb\""),
                                          ("a\rb", "\"a\rb\""), ("-5", "-5"), ("-x", "'-x"), ("+44 1", "'+44 1"), ("@sum", "'@sum"),
                                          ("\tx", "'\tx"), ("'=x", "''=x"), ("'quoted'", "'quoted'"), ("=a,b", "\"'=a,b\""), ("€,", "\"€,\"")]
        for (text, written) in texts { #expect(CSVWriter.line([.text(text)], dialect: .rfc4180) == written + "\n", "\(text)") }
    }
}

/// SplitMix64: a small seeded generator for reproducible random inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
