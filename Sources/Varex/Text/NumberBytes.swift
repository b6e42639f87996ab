/// A text stream into a byte array. `Double.write(to:)` hands its digits to `_writeASCII` as
/// bytes, so numbers go from the value to the array without the `String` that `description`
/// allocates for every number of more than 15 characters; writing the million-row residual
/// table (35 million numbers) spent most of its time making and joining those strings. Were the
/// standard library to stop calling `_writeASCII`, `write(_:)` receives the same text.
struct ByteTextStream: TextOutputStream {
    var bytes: [UInt8]

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}

extension NumberFormat {
    /// Appends ``roundTrip(_:)``'s text of `x` to `bytes`, without making a string: Swift's
    /// shortest round-trip digits, and whole numbers without the trailing ".0".
    @inline(__always)
    public static func appendRoundTrip(_ x: Double, to bytes: inout [UInt8]) {
        guard x.isFinite else { bytes.append(contentsOf: x.description.utf8); return }
        var stream = ByteTextStream(bytes: [])
        swap(&stream.bytes, &bytes)
        x.write(to: &stream)
        swap(&stream.bytes, &bytes)
        let n = bytes.count
        if n >= 2 && bytes[n - 2] == UInt8(ascii: ".") && bytes[n - 1] == UInt8(ascii: "0") { bytes.removeLast(2) }
    }

    /// Appends the decimal digits of `i` to `bytes`, as `String(i)` spells them.
    @inline(__always)
    public static func appendInteger(_ i: Int, to bytes: inout [UInt8]) {
        if i < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = i.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var k = 20
            repeat {
                k -= 1
                buffer[k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            } while m > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[k..<20]))
        }
    }
}
