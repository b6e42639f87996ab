import VarexLinearAlgebra

extension StreamingFit {
    /// The sandwich covariance of a fit read in blocks, from one more pass over the file (the
    /// residuals need the coefficients), with the number of clusters of each clustering column: HC0–HC3 as `sandwich::vcovHC` (each row's leverage
    /// from the QR, as the residual pass has it), or clustered by the columns `clusters` (CR0,
    /// CR1, one or two columns, as `sandwich::vcovCL`). The meat accumulates by block: e²xxᵀ
    /// per row, or x·e summed per cluster (weighted: of √w·x and √w·e). HC4 and HC4m discount
    /// by each row's leverage against the mean (n·h/p), HC5 also by the largest leverage, found
    /// by one more pass. CR2 is ``StreamingCR2``'s (per-cluster sums, not rows).
    public func covariance(_ type: CovarianceType, open: () throws -> CSVBlockReader) throws -> (covariance: Matrix, clusterCounts: [Int]) {
        let k = p
        var meat = Matrix(rows: k, columns: k)
        var counts: [Set<String>] = Array(repeating: [], count: clusters.count)
        var sums: [[String: [Double]]] = Array(repeating: [:], count: clusters.count + (clusters.count == 2 ? 1 : 0))
        let leverage: Set<CovarianceType> = [.hc2, .hc3, .hc4, .hc4m, .hc5]
        let needsLeverage = clusters.isEmpty && leverage.contains(type)
        // HC5 discounts by the largest leverage too: one more pass finds it first.
        let hMax = type == .hc5 && clusters.isEmpty ? try largestLeverage(open: open) : 0
        try eachBlock(open: open, pass: "covariance pass") { _, design in
            let m = design.y.count
            // Weighted: the rows of √w·X and the residuals √w·e (sandwich's estfun w·e·x).
            let root = Self.rootWeights(design)
            var x = design.x.rounded
            if let root { for j in 0..<k { for i in 0..<m { x[i, j] *= root[i] } } }
            var u = x.storage
            if needsLeverage { try qr.timesInverse(&u, rows: m, leading: k) }
            let labels = design.clusters.map(\.labels)
            for (d, l) in labels.enumerated() { counts[d].formUnion(l) }
            for i in 0..<m {
                var fitted: Extended = 0
                for j in 0..<k { fitted += design.x[i, j] * Extended(coefficients[j]) }
                let e = Double(design.y[i] - fitted) * (root?[i] ?? 1)
                if clusters.isEmpty {
                    var h = 0.0
                    if needsLeverage { for j in 0..<k { h += u[i + j * m] * u[i + j * m] } }
                    if h > 1 - 10 * Double.ulpOfOne { h = 1 }
                    let omega = Sandwich.weight(type, e2: e * e, h: h, n: Double(n), k: Double(k), p0: Double(k), hMax: hMax)
                    for a in 0..<k {
                        let xa = x[i, a]
                        guard xa != 0 else { continue }
                        for b in 0..<k { meat[a, b] += omega * xa * x[i, b] }
                    }
                } else {
                    var keys = labels.map { $0[i] }
                    if clusters.count == 2 { keys.append(keys[0] + "\u{1F}" + keys[1]) }
                    for (d, key) in keys.enumerated() {
                        var s = sums[d][key] ?? [Double](repeating: 0, count: k)
                        for j in 0..<k { s[j] += x[i, j] * e }
                        sums[d][key] = s
                    }
                }
            }
        }
        if !clusters.isEmpty {
            for (d, groups) in sums.enumerated() where groups.count < 2 {
                throw ModelError.oneCluster(column: clusters[min(d, clusters.count - 1)], rows: n)
            }
            // In the clusters' sorted order: a Dictionary's order changes from run to run, and
            // with it the last bits of the sum.
            meat = Sandwich.clusteredMeat(type, dimensions: sums.enumerated().map { d, groups in
                                              (d == 2 ? -1 : 1, groups.sorted { $0.key < $1.key }.map(\.value))
                                          },
                                          k: k, n: n, parameters: k)
        }
        let v = try unscaledCovariance.multiplied(by: meat)
        return (try v.multiplied(by: unscaledCovariance), counts.map(\.count))
    }

    /// The largest leverage of the rows used (of √w·X when weighted), from a pass over the file.
    func largestLeverage(open: () throws -> CSVBlockReader) throws -> Double {
        var largest = 0.0
        try eachBlock(open: open, pass: "leverage pass") { _, design in
            let m = design.y.count
            var u = design.x.rounded.storage
            if let root = Self.rootWeights(design) { for j in 0..<p { for i in 0..<m { u[i + j * m] *= root[i] } } }
            try qr.timesInverse(&u, rows: m, leading: p)
            for i in 0..<m {
                var h = 0.0
                for j in 0..<p { h += u[i + j * m] * u[i + j * m] }
                largest = max(largest, min(h, 1))
            }
        }
        return largest
    }
}
