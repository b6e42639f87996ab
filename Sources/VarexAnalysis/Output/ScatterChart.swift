import Varex

extension SVGCharts {
    /// A scatter of `y` against `x`, one point per unit (its label in a tooltip), the units in
    /// `named` labelled on the chart and drawn in the highlight colour, and an optional polyline
    /// (a frontier) through `line`.
    public static func scatter(id: String, title: String, description: String, labels: [String], x: [Double], y: [Double],
                               xLabel: String, yLabel: String, named: Set<Int> = [], line: [(x: Double, y: Double)]? = nil) -> String {
        let width = 760.0, height = 480.0, left = 80.0, right = 20.0, top = 20.0, bottom = 56.0
        var xLo = x.min() ?? 0, xHi = x.max() ?? 1, yLo = y.min() ?? 0, yHi = y.max() ?? 1
        let xPad = 0.04 * max(xHi - xLo, 1e-12), yPad = 0.04 * max(yHi - yLo, 1e-12)
        xLo -= xPad; xHi += xPad; yLo -= yPad; yHi += yPad
        func px(_ v: Double) -> Double { left + (v - xLo) / (xHi - xLo) * (width - left - right) }
        func py(_ v: Double) -> Double { top + (yHi - v) / (yHi - yLo) * (height - top - bottom) }
        var s = open(id: id, width: width, height: height, title: title, description: description)
        s += frame(left: left, right: right, top: top, bottom: bottom, width: width, height: height)
        s += horizontalGrid(ticks(yLo, yHi), left: left, right: width - right, y: py, digits: 4)
        for t in ticks(xLo, xHi) {
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(height - bottom + 18))\" text-anchor=\"middle\" class=\"tick\">\(NumberFormat.significant(t, 6))</text>"
        }
        if let line, line.count >= 2 {
            s += "<polyline points=\"\(line.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " "))\" class=\"frontier\"/>"
        }
        for i in x.indices {
            let cls = named.contains(i) ? "pt out" : "pt"
            s += "<circle cx=\"\(n(px(x[i])))\" cy=\"\(n(py(y[i])))\" r=\"3.5\" class=\"\(cls)\" data-label=\"\(escape(labels[i]))\"><title>\(escape(labels[i])): "
            s += "\(NumberFormat.significant(x[i], 5)), \(NumberFormat.significant(y[i], 4))</title></circle>"
            if named.contains(i) { s += "<text x=\"\(n(px(x[i]) + 6))\" y=\"\(n(py(y[i]) - 5))\" class=\"outlier\">\(escape(labels[i]))</text>" }
        }
        s += "<text x=\"\(n((left + width - right) / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\" class=\"axis\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(18 \(n((top + height - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(escape(yLabel))</text>"
        return s + "</svg>"
    }
}
