import Varex

extension SVGCharts {
    /// The value view's picture: need-adjusted spend (x) against need-adjusted outcome (y), each
    /// unit with both intervals, dashed lines through the average unit, the four quadrants named
    /// in their corners, and the units that sit in the best or the worst quadrant in at least
    /// `level` of the draws filled and named.
    public static func value(id: String, title: String, labels: [String], view v: ValueView, xLabel: String, yLabel: String) -> String {
        let width = 760.0, height = 520.0, left = 80.0, right = 20.0, top = 30.0, bottom = 56.0
        let count = labels.count
        var xLo = v.spendLower.min() ?? 0, xHi = v.spendUpper.max() ?? 1
        var yLo = v.outcomeLower.min() ?? 0, yHi = v.outcomeUpper.max() ?? 1
        let xPad = 0.04 * (xHi - xLo), yPad = 0.04 * (yHi - yLo)
        xLo -= xPad; xHi += xPad; yLo -= yPad; yHi += yPad
        func px(_ x: Double) -> Double { left + (x - xLo) / max(xHi - xLo, 1e-300) * (width - left - right) }
        func py(_ y: Double) -> Double { top + (yHi - y) / max(yHi - yLo, 1e-300) * (height - top - bottom) }
        let sure = (0..<count).filter { v.quadrantProbability[$0] >= v.level && (v.quadrant[$0] == .lowSpendGoodOutcome || v.quadrant[$0] == .highSpendPoorOutcome) }
        var desc = "Need-adjusted spend against need-adjusted outcome for \(count) units, with \(NumberFormat.fixed(100 * v.level, decimals: 0))% intervals; "
        desc += ValueQuadrant.allCases.map { q in "\(q.rawValue): \(v.quadrant.filter { $0 == q }.count)" }.joined(separator: ", ")
        desc += ". In the same quadrant in at least \(NumberFormat.fixed(100 * v.level, decimals: 0))% of draws: "
        desc += sure.isEmpty ? "none." : sure.map { "\(labels[$0]) (\(v.quadrant[$0].rawValue))" }.joined(separator: "; ") + "."
        var s = open(id: id, width: width, height: height, title: title, description: desc)
        s += frame(left: left, right: right, top: top, bottom: bottom, width: width, height: height)
        s += horizontalGrid(ticks(yLo, yHi), left: left, right: width - right, y: py, digits: 4)
        for t in ticks(xLo, xHi) {
            s += "<line x1=\"\(n(px(t)))\" x2=\"\(n(px(t)))\" y1=\"\(n(top))\" y2=\"\(n(height - bottom))\" class=\"grid\"/>"
            s += "<text x=\"\(n(px(t)))\" y=\"\(n(height - bottom + 18))\" text-anchor=\"middle\" class=\"tick\">\(NumberFormat.significant(t, 6))</text>"
        }
        s += "<line x1=\"\(n(px(v.centreSpend)))\" x2=\"\(n(px(v.centreSpend)))\" y1=\"\(n(top))\" y2=\"\(n(height - bottom))\" class=\"centre\"/>"
        s += "<line x1=\"\(n(left))\" x2=\"\(n(width - right))\" y1=\"\(n(py(v.centreOutcome)))\" y2=\"\(n(py(v.centreOutcome)))\" class=\"centre\"/>"
        let corner: [(ValueQuadrant, Double, Double, String)] = [
            (.lowSpendGoodOutcome, left + 6, top + 14, "start"), (.highSpendGoodOutcome, width - right - 6, top + 14, "end"),
            (.lowSpendPoorOutcome, left + 6, height - bottom - 6, "start"), (.highSpendPoorOutcome, width - right - 6, height - bottom - 6, "end"),
        ]
        for (q, x, y, anchor) in corner {
            s += "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" class=\"quadrant\">\(escape(q.rawValue))</text>"
        }
        for i in 0..<count {
            let x = px(v.adjustedSpend[i]), y = py(v.adjustedOutcome[i])
            s += "<line x1=\"\(n(px(v.spendLower[i])))\" x2=\"\(n(px(v.spendUpper[i])))\" y1=\"\(n(y))\" y2=\"\(n(y))\" class=\"bar\"/>"
            s += "<line x1=\"\(n(x))\" x2=\"\(n(x))\" y1=\"\(n(py(v.outcomeLower[i])))\" y2=\"\(n(py(v.outcomeUpper[i])))\" class=\"bar\"/>"
        }
        for i in 0..<count {
            let x = px(v.adjustedSpend[i]), y = py(v.adjustedOutcome[i])
            let filled = sure.contains(i)
            let cls = "q\(ValueQuadrant.allCases.firstIndex(of: v.quadrant[i])!)" + (filled ? " sure" : "")
            s += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" class=\"vp \(cls)\" data-label=\"\(escape(labels[i]))\"><title>\(escape(labels[i])): "
            s += "spend \(NumberFormat.significant(v.adjustedSpend[i], 5)) (\(NumberFormat.significant(v.spendLower[i], 5)) to \(NumberFormat.significant(v.spendUpper[i], 5))), "
            s += "outcome \(NumberFormat.significant(v.adjustedOutcome[i], 4)) (\(NumberFormat.significant(v.outcomeLower[i], 4)) to \(NumberFormat.significant(v.outcomeUpper[i], 4))); "
            s += "\(v.quadrant[i].rawValue) in \(NumberFormat.fixed(100 * v.quadrantProbability[i], decimals: 0))% of draws</title></circle>"
            if filled { s += "<text x=\"\(n(x + 6))\" y=\"\(n(y - 5))\" class=\"outlier\">\(escape(labels[i]))</text>" }
        }
        s += "<text x=\"\(n((left + width - right) / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\" class=\"axis\">\(escape(xLabel))</text>"
        s += "<text transform=\"translate(18 \(n((top + height - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">\(escape(yLabel))</text>"
        return s + "</svg>"
    }
}
