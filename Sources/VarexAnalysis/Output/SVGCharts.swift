import Varex
/// Small, dependency-free SVG charts for the HTML report. Every chart carries a `<title>` and a
/// `<desc>` (its text alternative) and `role="img"`.
public enum SVGCharts {
    static func escape(_ s: String) -> String {
        var o = ""
        for ch in s {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(ch)
            }
        }
        return o
    }

    static func n(_ x: Double) -> String { NumberFormat.fixed(x, decimals: 2) }

    static func open(id: String, width: Double, height: Double, title: String, description: String) -> String {
        """
            <svg id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\" viewBox=\"0 0 \
            \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" \
            xmlns=\"http://www.w3.org/2000/svg\">
            """
            + "<title id=\"\(id)-title\">\(escape(title))</title><desc id=\"\(id)-desc\">\(escape(description))</desc>"
    }

    /// The plotting area's frame.
    static func frame(left: Double, right: Double, top: Double, bottom: Double, width: Double, height: Double) -> String {
        "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width - left - right))\" height=\"\(n(height - top - bottom))\" class=\"frame\"/>"
    }

    /// A horizontal grid line and a label at each tick of the y axis (`y` maps a value to pixels).
    static func horizontalGrid(_ ticks: [Double], left: Double, right: Double, y: (Double) -> Double, digits: Int) -> String {
        ticks.map { t in
            "<line x1=\"\(n(left))\" x2=\"\(n(right))\" y1=\"\(n(y(t)))\" y2=\"\(n(y(t)))\" class=\"grid\"/>"
                + "<text x=\"\(n(left - 6))\" y=\"\(n(y(t) + 4))\" text-anchor=\"end\" class=\"tick\">\(NumberFormat.significant(t, digits))</text>"
        }.joined()
    }

    /// "Nice" tick values covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count)
        var step = 1.0
        while step * 10 <= raw { step *= 10 }
        while step > raw { step /= 10 }
        for m in [1.0, 2, 5, 10] where step * m >= raw { step *= m; break }
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(t); t += step }
        return out
    }

    /// Horizontal bars with labels and percentage values; `axis` names what the bars measure
    /// (with its unit), written under them.
    public static func bars(id: String, title: String, labels: [String], values: [Double], colours: [String],
                            axis: String = "Share (%)") -> String {
        let rowH = 28.0, width = 640.0, top = 10.0
        let left = min(300, max(150, 7 * Double(labels.map(\.count).max() ?? 0) + 16))
        let height = top + rowH * Double(labels.count) + 30
        let maxV = max(values.max() ?? 1, 1e-12)
        var desc = "Bar chart. "
        desc += zip(labels, values).map { "\($0): \(NumberFormat.fixed($1, decimals: 1))%" }.joined(separator: "; ")
        var s = open(id: id, width: width, height: height, title: title, description: desc)
        for (k, label) in labels.enumerated() {
            let y = top + rowH * Double(k)
            let w = (width - left - 70) * max(values[k], 0) / maxV
            s += "<text x=\"\(n(left - 8))\" y=\"\(n(y + 18))\" text-anchor=\"end\" class=\"lbl\">\(escape(label))</text>"
            s += "<rect x=\"\(n(left))\" y=\"\(n(y + 4))\" width=\"\(n(w))\" height=\"\(n(rowH - 8))\" fill=\"\(colours[k])\"/>"
            s += "<text x=\"\(n(left + w + 6))\" y=\"\(n(y + 18))\" class=\"val\">\(NumberFormat.fixed(values[k], decimals: 1))%</text>"
        }
        s += "<text x=\"\(n(left))\" y=\"\(n(height - 8))\" class=\"axis\">\(escape(axis))</text>"
        return s + "</svg>"
    }

    /// A funnel plot: points (x, value), the target line and the control-limit curves. x is the
    /// denominator when there is one (the unit the user gave: a survey base, a population),
    /// otherwise the precision 1/SE². Points outside the outermost limit are labelled; every
    /// point names its council on hover.
    public static func funnel(id: String, title: String, plot: FunnelPlot, labels: [String], denominators: [Double]?,
                              xLabel: String, yLabel: String) -> String {
        let width = 720.0, height = 440.0, left = 70.0, right = 20.0, top = 20.0, bottom = 50.0
        let precision = denominators ?? plot.standardErrors.map { 1 / ($0 * $0) }
        // SE at x: with a denominator, SE ∝ 1/√n at the target (c = SE·√n is the same for every
        // council); with a precision axis, SE = 1/√x.
        let c = denominators.map { d in zip(plot.standardErrors, d).map { $0 * $1.squareRoot() }.sorted()[d.count / 2] } ?? 1
        let xMax = (precision.max() ?? 1) * 1.05, xMin = 0.0
        var lo = plot.values.min()!, hi = plot.values.max()!
        for l in plot.limits { for (a, b) in l { lo = min(lo, a); hi = max(hi, b) } }
        // Keep the y range to the data ± a margin (limits at tiny precision run off the chart).
        let span = (plot.values.max()! - plot.values.min()!)
        lo = max(lo, plot.values.min()! - 0.3 * span); hi = min(hi, plot.values.max()! + 0.3 * span)
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * (width - left - right) }
        func py(_ y: Double) -> Double { top + (hi - y) / (hi - lo) * (height - top - bottom) }
        let outside = plot.values.indices.filter { !plot.outside($0).isEmpty }
        var desc = "Funnel plot of \(plot.values.count) councils against precision (1/SE²); target \(NumberFormat.significant(plot.target, 5)); "
        desc += "control limits at \(plot.levels.map { NumberFormat.significant($0 * 100, 4) + "%" }.joined(separator: " and ")); "
        desc += "\(outside.count) councils outside a limit: " + outside.prefix(40).map { "\(labels[$0]) (\(plot.outside($0)))" }.joined(separator: ", ")
        var s = open(id: id, width: width, height: height, title: title, description: desc)
        s += frame(left: left, right: right, top: top, bottom: bottom, width: width, height: height)
        s += horizontalGrid(ticks(lo, hi), left: left, right: width - right, y: py, digits: 6)
        for t in ticks(xMin, xMax) {
            s += """
                <text x=\"\(n(px(t)))\" y=\"\(n(height - bottom + 18))\" text-anchor=\"middle\" \
                class=\"tick\">\(NumberFormat.significant(t, 6))</text>
                """
        }
        // Limit curves: for precision P, limit = target ± q·sd(P) with the same overdispersion.
        let grid = (1...120).map { xMax * Double($0) / 120 }
        for (l, level) in plot.levels.enumerated() {
            let q = Normal.quantile(1 - (1 - level) / 2)
            for sign in [-1.0, 1.0] {
                let pts = grid.map { p -> String in
                    let se = c / p.squareRoot()
                    let sd: Double
                    switch plot.overdispersion {
                    case .none: sd = se
                    case .multiplicative: sd = se * max(plot.phi, 1).squareRoot()
                    case .additive: sd = (se * se + plot.tau2).squareRoot()
                    }
                    let y = min(max(plot.target + sign * q * sd, lo), hi)
                    return "\(n(px(p))),\(n(py(y)))"
                }
                s += "<polyline points=\"\(pts.joined(separator: " "))\" class=\"limit l\(l)\"/>"
            }
            _ = level
        }
        s += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(py(plot.target)))\" y2=\"\(n(py(plot.target)))\" class=\"target\"/>"
        for i in plot.values.indices {
            let cls = plot.outside(i).isEmpty ? "pt" : "pt out"
            let x = px(precision[i]), y = py(min(max(plot.values[i], lo), hi))
            let base = denominators.map { _ in ", \(xLabel) \(NumberFormat.significant(precision[i], 6))" } ?? ""
            s += """
                <circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" class=\"\(cls)\" \
                data-label=\"\(escape(labels[i]))\"><title>\(escape(labels[i])): \
                \(NumberFormat.significant(plot.values[i], 5))\(escape(base))</title></circle>
                """
            // Outliers beyond the outermost limit are named on the chart itself.
            if plot.isOutsideWidestLimit(i) {
                s += "<text x=\"\(n(x + 6))\" y=\"\(n(y - 5))\" class=\"outlier\">\(escape(labels[i]))</text>"
            }
        }
        s += "<text x=\"\(n((left + width - right) / 2))\" y=\"\(n(height - 10))\" text-anchor=\"middle\" class=\"axis\">\(escape(xLabel))</text>"
        s += """
            <text transform=\"translate(16 \(n((top + height - bottom) / 2))) rotate(-90)\" \
            text-anchor=\"middle\" class=\"axis\">\(escape(yLabel))</text>
            """
        return s + "</svg>"
    }

    /// A caterpillar plot of rank intervals: one row per council, sorted by rank; `axis` says
    /// what rank 1 is, written above the ranks.
    public static func caterpillar(id: String, title: String, labels: [String], rank: [Int], median: [Double], low: [Int], high: [Int],
                                   axis: String = "Rank") -> String {
        let count = labels.count
        let rowH = 15.0, left = 220.0, right = 20.0, top = 48.0, width = 760.0
        let height = top + rowH * Double(count) + 20
        let maxRank = Double(max(count, 1))
        func px(_ r: Double) -> Double { left + (r - 1) / max(maxRank - 1, 1) * (width - left - right) }
        let order = rank.indices.sorted { rank[$0] < rank[$1] }
        var desc = "Rank intervals (95%) of \(count) councils from the bootstrap, ordered by rank. "
        desc += order.prefix(10).map { "\(labels[$0]): rank \(rank[$0]), interval \(low[$0])–\(high[$0])" }.joined(separator: "; ")
        var s = open(id: id, width: width, height: height, title: title, description: desc)
        s += "<text x=\"\(n((left + width - right) / 2))\" y=\"14\" text-anchor=\"middle\" class=\"axis\">\(escape(axis))</text>"
        for t in ticks(1, maxRank) {
            s += "<line x1=\"\(n(px(t)))\" x2=\"\(n(px(t)))\" y1=\"\(n(top - 6))\" y2=\"\(n(height - 16))\" class=\"grid\"/>"
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(top - 10))\" text-anchor=\"middle\" class=\"tick\">\(Int(t))</text>"
        }
        for (row, i) in order.enumerated() {
            let y = top + rowH * Double(row) + rowH / 2
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" class=\"rowlabel\">\(escape(labels[i]))</text>"
            s += "<line x1=\"\(n(px(Double(low[i]))))\" x2=\"\(n(px(Double(high[i]))))\" y1=\"\(n(y))\" y2=\"\(n(y))\" class=\"ci\"/>"
            s += """
                <circle cx=\"\(n(px(median[i])))\" cy=\"\(n(y))\" r=\"2.5\" \
                class=\"med\"><title>\(escape(labels[i])): rank \(rank[i]), 95% interval \
                \(low[i])–\(high[i])</title></circle>
                """
        }
        return s + "</svg>"
    }

    /// A caterpillar on the value scale: each unit's estimate (a dot) and interval (a bar), sorted
    /// by the estimate, with a line at zero.
    public static func effects(id: String, title: String, labels: [String], estimate: [Double], low: [Double], high: [Double],
                               axis: String) -> String {
        let count = labels.count
        let rowH = 12.0, left = 220.0, right = 20.0, top = 30.0, width = 760.0
        let height = top + rowH * Double(count) + 36
        let lo = min(low.min() ?? 0, 0), hi = max(high.max() ?? 0, 0)
        func px(_ v: Double) -> Double { left + (v - lo) / max(hi - lo, 1e-300) * (width - left - right) }
        let order = estimate.indices.sorted { (estimate[$0], $0) > (estimate[$1], $1) }
        var desc = "\(count) estimates with their intervals, highest first. "
        desc += order.prefix(10).map { "\(labels[$0]): \(NumberFormat.significant(estimate[$0], 4)) "
            + "(\(NumberFormat.significant(low[$0], 4)) to \(NumberFormat.significant(high[$0], 4)))" }.joined(separator: "; ")
        var s = open(id: id, width: width, height: height, title: title, description: desc)
        for t in ticks(lo, hi) {
            s += "<line x1=\"\(n(px(t)))\" x2=\"\(n(px(t)))\" y1=\"\(n(top - 6))\" y2=\"\(n(height - 30))\" class=\"grid\"/>"
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(top - 10))\" text-anchor=\"middle\" class=\"tick\">\(NumberFormat.significant(t, 4))</text>"
        }
        s += "<line x1=\"\(n(px(0)))\" x2=\"\(n(px(0)))\" y1=\"\(n(top - 6))\" y2=\"\(n(height - 30))\" class=\"target\"/>"
        for (row, i) in order.enumerated() {
            let y = top + rowH * Double(row) + rowH / 2
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" class=\"rowlabel\">\(escape(labels[i]))</text>"
            s += "<line x1=\"\(n(px(low[i])))\" x2=\"\(n(px(high[i])))\" y1=\"\(n(y))\" y2=\"\(n(y))\" class=\"ci\"/>"
            s += "<circle cx=\"\(n(px(estimate[i])))\" cy=\"\(n(y))\" r=\"2.5\" class=\"med\"><title>\(escape(labels[i])): "
            s += "\(NumberFormat.significant(estimate[i], 4)) (\(NumberFormat.significant(low[i], 4)) to \(NumberFormat.significant(high[i], 4)))</title></circle>"
        }
        s += "<text x=\"\(n((left + width - right) / 2))\" y=\"\(n(height - 8))\" text-anchor=\"middle\" class=\"axis\">\(escape(axis))</text>"
        return s + "</svg>"
    }
}
