import Dispatch

/// Matrix–vector kernels in extended precision over a column-major design held as doubles plus,
/// for some columns, each element's remainder (``ExtendedMatrix``), by blocks of rows so each
/// block stays in cache while every column is read.
enum ExtendedKernels {
    static let blockRows = 512

    /// X̃ᵀv in extended precision, by ``ranges`` row ranges in parallel whose partial sums are
    /// added in range order (deterministic whatever the cores).
    static func transposeTimes(x: UnsafeBufferPointer<Double>, remainders low: UnsafeBufferPointer<Double>, slots: [Int],
                               rows n: Int, columns: [Int], scales: [Double], v: [Extended]) -> [Extended] {
        let k = columns.count
        let chunks = n >= 65_536 ? ranges : 1
        var partial = [Extended](repeating: 0, count: k * chunks)
        partial.withUnsafeMutableBufferPointer { pb in
            let pBase = pb.baseAddress!
            v.withUnsafeBufferPointer { vb in
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                    for (kk, j) in columns.enumerated() {
                        let col = x.baseAddress! + j * n
                        var s0: Extended = 0, s1: Extended = 0
                        var i = lo
                        if slots.isEmpty || slots[j] < 0 {
                            while i + 1 < hi { s0 += Extended(col[i]) * vb[i]; s1 += Extended(col[i + 1]) * vb[i + 1]; i += 2 }
                            if i < hi { s0 += Extended(col[i]) * vb[i] }
                        } else {
                            let r = low.baseAddress! + slots[j] * n
                            while i + 1 < hi {
                                s0 += (Extended(col[i]) + Extended(r[i])) * vb[i]
                                s1 += (Extended(col[i + 1]) + Extended(r[i + 1])) * vb[i + 1]
                                i += 2
                            }
                            if i < hi { s0 += (Extended(col[i]) + Extended(r[i])) * vb[i] }
                        }
                        pBase[chunk * k + kk] = s0 + s1
                    }
                }
            }
        }
        return (0..<k).map { kk in
            var sum: Extended = 0
            for chunk in 0..<chunks { sum += partial[chunk * k + kk] }
            return sum * Extended(scales[columns[kk]])
        }
    }

    /// Row ranges for the extended-precision passes of large problems. Fixed, not the core
    /// count, so the order of the partial sums (and so every bit of the result) is the same on
    /// any machine; Dispatch spreads the ranges over the cores there are.
    static let ranges = 8

    /// r = y − X̃b in extended precision, where X̃ holds columns `columns` of `x` (n rows), each
    /// multiplied by `scales[column]`. Large problems are split into ``ranges`` contiguous ranges
    /// of rows run in parallel; each element of r is computed by one thread in a fixed order, so
    /// the result depends neither on timing nor on the number of cores.
    static func residual(x: UnsafeBufferPointer<Double>, remainders low: UnsafeBufferPointer<Double>, slots: [Int],
                         rows n: Int, columns: [Int], scales: [Double], y: [Extended], b: [Extended]) -> [Extended] {
        let coef: [Extended] = (0..<columns.count).map { b[$0] * Extended(scales[columns[$0]]) }
        var r = y
        let chunks = n >= 65_536 ? ranges : 1
        r.withUnsafeMutableBufferPointer { rb in
            let rBase = rb.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lo = n * chunk / chunks, hi = n * (chunk + 1) / chunks
                var start = lo
                while start < hi {
                    let end = min(start + blockRows, hi)
                    for (kk, j) in columns.enumerated() {
                        let bj = coef[kk]
                        if bj == 0 { continue }
                        let col = x.baseAddress! + j * n
                        if slots.isEmpty || slots[j] < 0 {
                            for i in start..<end { rBase[i] -= Extended(col[i]) * bj }
                        } else {
                            let r = low.baseAddress! + slots[j] * n
                            for i in start..<end { rBase[i] -= (Extended(col[i]) + Extended(r[i])) * bj }
                        }
                    }
                    start = end
                }
            }
        }
        return r
    }
}
