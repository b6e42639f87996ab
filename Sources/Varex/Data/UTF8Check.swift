/// Finds the first byte that breaks UTF-8 (overlong forms, surrogates and values above U+10FFFF
/// included), so a message can point at it.
enum UTF8Check {
    static func firstInvalidOffset<C: RandomAccessCollection>(_ b: C) -> Int? where C.Element == UInt8, C.Index == Int {
        var i = b.startIndex
        let end = b.endIndex
        while i < end {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let len: Int, minScalar: UInt32
            var scalar: UInt32
            switch c {
            case 0xC2...0xDF: len = 2; scalar = UInt32(c & 0x1F); minScalar = 0x80
            case 0xE0...0xEF: len = 3; scalar = UInt32(c & 0x0F); minScalar = 0x800
            case 0xF0...0xF4: len = 4; scalar = UInt32(c & 0x07); minScalar = 0x10000
            default: return i - b.startIndex
            }
            guard i + len <= end else { return i - b.startIndex }
            for k in 1..<len {
                let cc = b[i + k]
                guard cc & 0xC0 == 0x80 else { return i - b.startIndex }
                scalar = (scalar << 6) | UInt32(cc & 0x3F)
            }
            if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i - b.startIndex }
            i += len
        }
        return nil
    }
}
