/// Matrix–vector kernels in extended precision over a column-major design in either double or
/// extended storage, by blocks of rows so each block stays in cache while every column is read.
enum ExtendedKernels {
    static let blockRows = 512

    /// r = y − X̃b and, when asked, g = X̃ᵀr, where X̃ holds columns `columns` of `x` (n rows),
    /// each multiplied by `scales[column]`. Everything is accumulated in ``Extended``.
    @_specialize(where T == Double)
    @_specialize(where T == Extended)
    static func residual<T: BinaryFloatingPoint>(x: UnsafeBufferPointer<T>, rows n: Int, columns: [Int], scales: [Double],
                                                y: [Extended], b: [Extended], gradient: Bool) -> (r: [Extended], g: [Extended]) {
        let k = columns.count
        var r = y
        var g = [Extended](repeating: 0, count: gradient ? k : 0)
        let coef: [Extended] = (0..<k).map { b[$0] * Extended(scales[columns[$0]]) }
        let colScales: [Extended] = columns.map { Extended(scales[$0]) }
        r.withUnsafeMutableBufferPointer { rb in
            var start = 0
            while start < n {
                let end = min(start + blockRows, n)
                for (kk, j) in columns.enumerated() {
                    let bj = coef[kk]
                    if bj == 0 { continue }
                    let col = x.baseAddress! + j * n
                    for i in start..<end { rb[i] -= Extended(col[i]) * bj }
                }
                if gradient {
                    for (kk, j) in columns.enumerated() {
                        let col = x.baseAddress! + j * n
                        var s0: Extended = 0, s1: Extended = 0
                        var i = start
                        while i + 1 < end { s0 += Extended(col[i]) * rb[i]; s1 += Extended(col[i + 1]) * rb[i + 1]; i += 2 }
                        if i < end { s0 += Extended(col[i]) * rb[i] }
                        g[kk] += (s0 + s1) * colScales[kk]
                    }
                }
                start = end
            }
        }
        return (r, g)
    }

    /// X̃ᵀy in extended precision.
    @_specialize(where T == Double)
    @_specialize(where T == Extended)
    static func transposeTimes<T: BinaryFloatingPoint>(x: UnsafeBufferPointer<T>, rows n: Int, columns: [Int], scales: [Double],
                                                      y: [Extended]) -> [Extended] {
        columns.map { j in
            let col = x.baseAddress! + j * n
            var s0: Extended = 0, s1: Extended = 0
            var i = 0
            while i + 1 < n { s0 += Extended(col[i]) * y[i]; s1 += Extended(col[i + 1]) * y[i + 1]; i += 2 }
            if i < n { s0 += Extended(col[i]) * y[i] }
            return (s0 + s1) * Extended(scales[j])
        }
    }
}
