import Varex

/// The HTML report of a panel explanation: the model, what persists and what passes, each
/// unit's observed and justified levels over the periods (chosen from a list), a caterpillar
/// of the persistent effects with their intervals, and the per-unit table.
public enum PanelHTMLReport {
    /// A funnel plot of an indicator in a panel: one value per unit, from the last period's rows.
    public struct Funnel: Sendable {
        public let analysis: FunnelAnalysis
        public let indicator: String
        public let period: String
        /// Each funnel row's label (the label column, or the unit).
        public let labels: [String]

        public init(_ a: some PanelExplanation, request: FunnelRequest) throws {
            let table = a.data.table
            let period = a.units.periods.last ?? ""
            let times = try table.column(a.request.time).cells
            let rows = (0..<table.rowCount).filter { times[$0] == period }
            let units = try table.column(a.request.panel).cells
            let ids = rows.map { units[$0] }
            analysis = try FunnelAnalysis(table: table.selecting(rows: rows), request: request, ids: RowIDs(ids))
            indicator = request.indicator
            self.period = period
            labels = try a.request.explain.fit.label.map { name in let c = try table.column(name).cells; return rows.map { c[$0] } } ?? ids
        }
    }

    public static func render(_ a: PanelAnalysis, funnel: Funnel? = nil, title: String, unit: String = "councils",
                              publication p: Publication = Publication()) -> String {
        render(panel: a, model: MixedSummary.text(fit: a.fit, satterthwaite: a.satterthwaite, level: a.request.explain.fit.level),
               text: PanelSummary.text(a, unit: unit), response: a.fit.design.fixed.responseLabel, linkScale: nil,
               funnel: funnel, title: title, unit: unit, publication: p)
    }

    /// A panel GLMM's report: the persistent effects on the link scale, the levels on the
    /// response scale.
    public static func render(_ a: PanelGLMMAnalysis, funnel: Funnel? = nil, title: String, unit: String = "councils",
                              publication p: Publication = Publication()) -> String {
        render(panel: a, model: GLMMSummary.text(a.glmm), text: PanelSummary.text(a, unit: unit), response: a.glmm.fit.design.fixed.responseLabel,
               linkScale: a.glmm.fit.link.rawValue, funnel: funnel, title: title, unit: unit, publication: p)
    }

    /// The page from the model's summary text, the panel's text and the units' effects: the
    /// first screen (the question; what persists and what passes; the leading units), the units
    /// by persistent effect, the funnel, each unit over the periods, the persistent effects, the
    /// model behind a fold, and the notes.
    static func render(panel a: some PanelExplanation, model: String, text: String, response: String, linkScale: String?, funnel: Funnel?,
                       title: String, unit: String, publication p: Publication) -> String {
        let esc = SVGCharts.escape
        let level = a.request.explain.fit.level
        let d = a.decomposition, u = a.units
        let one = unit == "councils" ? "council" : "unit"
        let L = p.labels
        let label = L.term(response)
        let money = PublishedPage.responseUnit(label) && linkScale == nil
        let percent = NumberFormat.significant(level * 100, 4) + "%"
        let table = a.unitsTable().sorted(by: "rank")
        let groups = a.request.explain.groups
        let periods = "\(u.periods.first ?? "") to \(u.periods.last ?? "")"
        var h = HTMLReport.pageStart(title: title, outputs: "the CSVs")

        // The first screen.
        let asked = "Which \(unit)' \(PublishedPage.lowered(label)) stays above or below what is justified year after year, "
            + "and how much of the difference passes from one year to the next? " + PublishedPage.askedSentence(response: label, groups: groups, labels: L, unit: unit)
                .components(separatedBy: "justified? ").dropFirst().joined(separator: "justified? ")
        var found = ["\(d.units.count) \(unit) over \(u.periods.count) periods (\(periods)), \(a.usedRows.count) rows."]
        let shareKnown = !a.share.estimate.isNaN
        if shareKnown {
            found.append("Of the variation the model leaves unexplained, \(pct(a.share.estimate)) (\(percent) interval \(pct(a.share.low)) to "
                + "\(pct(a.share.high))) lies between \(unit) and persists; \(pct(1 - a.share.estimate)) passes from period to period.")
        }
        if !u.periodCorrelations.isEmpty {
            let mean = u.periodCorrelations.reduce(0, +) / Double(u.periodCorrelations.count)
            found.append("Single-year league tables move: the rank correlation between consecutive years averages \(NumberFormat.fixed(mean, decimals: 2)).")
        }
        let summary = a.ranks.summary(level: level)
        let order = d.units.indices.sorted { (u.persistentRank[$0], $0) < (u.persistentRank[$1], $1) }.prefix(3)
        let leaders = order.map { k -> String in
            let effect = money ? PublishedPage.pounds(d.unitEffect[k]) + " per head" : NumberFormat.significant(d.unitEffect[k], 4)
            return "\(a.unitLabels[k]) (\(effect) a year; rank \(u.persistentRank[k]), \(percent) rank interval \(summary[k].low)–\(summary[k].high); "
                + "above its justified level in \(u.periodsAbove[k]) of \(u.rows[k].count) years)"
        }
        found.append("The largest persistent unjustified amounts (rank 1 = the highest): " + PublishedPage.list(leaders) + ".")
        let chart = shareKnown
            ? SVGCharts.bars(id: "chart-between", title: "What persists and what passes", labels: ["Persists between \(unit)", "Passes from year to year"],
                             values: [100 * a.share.estimate, 100 * (1 - a.share.estimate)], colours: ["#c51b7d", "#999999"],
                             axis: "Share of the unexplained variation in \(PublishedPage.lowered(label)) (%)")
            : ""
        h += PublishedPage.firstScreen(asked: asked, found: found, chart: chart)
        h += """
            <nav><a href=\"#ranking\">\(esc(HTMLReport.capitalised(unit))) by persistent effect</a>\(funnel == nil ? "" : " · <a href=\"#funnel\">Funnel plot</a>") · <a \
            href=\"#years\">\(esc(HTMLReport.capitalised(one))) over the periods</a> · <a href=\"#persistent\">Persistent \
            effects</a> · <a href=\"#summary\">The model</a> · <a href=\"#notes\">Notes</a></nav>\n
            """
        let perHead = money ? "£" : ""
        var columns = [PublishedPage.Column(name: "rank", title: "Rank", unit: "")]
        if let l = a.request.explain.fit.label { columns.append(.init(name: l, title: HTMLReport.capitalised(one), unit: "")) }
        columns += [.init(name: "mean_observed", title: "\(label), mean over the years", unit: perHead),
                    .init(name: "mean_justified", title: "Justified level, mean", unit: perHead),
                    .init(name: "persistent", title: "Persistent unjustified amount" + (money ? " (£ per head a year)" : linkScale.map { " (\($0) scale)" } ?? ""), unit: perHead),
                    .init(name: "persistent_gbp", title: "Persistent, total a year (£)", unit: "£total"),
                    .init(name: "periods_above", title: "Years above the justified level", unit: "")]
        h += """
            <section id=\"ranking\"><h2>\(esc(HTMLReport.capitalised(unit))) by persistent effect</h2><p>Rank 1 is the highest \
            persistent unjustified amount (the \(one)'s shrunken intercept in the mixed model); the rank interval is the \(percent) \
            interval of the ranks over draws from each \(one)'s conditional distribution.</p>\n
            """
        h += PublishedPage.shortTable(table, columns: columns, interval: (low: "rank_low", high: "rank_high", title: "Rank interval (\(percent))"))
        h += PublishedPage.fullTableFold(table)
        if let funnel {
            h += HTMLReport.funnelSection((funnel.analysis, funnel.indicator), labels: funnel.labels,
                                          note: " One point per \(one): the \(funnel.period) values.", publication: p)
        }

        // Observed and justified levels per unit and period, for the chart the list drives.
        let justified = d.justified
        var data = "{" + PublishedPage.waterfallAxis(response: linkScale == nil ? label : label + " (response scale)", money: money) + "\"periods\":[" + u.periods.map(JSONSummary.string).joined(separator: ",") + "],\"units\":["
        data += d.units.indices.map { k in
            var observed = [String](repeating: "null", count: u.periods.count), level = observed
            for i in u.rows[k] {
                observed[u.periodOfRow[i]] = JSONSummary.number(d.observed[i])
                level[u.periodOfRow[i]] = JSONSummary.number(justified[i])
            }
            return "{\"id\":\(JSONSummary.string(d.units[k])),\"label\":\(JSONSummary.string(a.unitLabels[k])),"
                + "\"observed\":[\(observed.joined(separator: ","))],\"justified\":[\(level.joined(separator: ","))],"
                + "\"persistent\":\(JSONSummary.number(d.unitEffect[k]))}"
        }.joined(separator: ",")
        data += "]}"
        h += """
            <section id=\"years\"><h2>\(esc(HTMLReport.capitalised(one))) over the periods</h2><p>The observed \
            value (blue) and the justified level (green) in each period; the gap between them is the \
            unjustified amount, of which the \(one)'s persistent effect is the part that recurs.</p>\n
            <label for=\"unit\">\(esc(HTMLReport.capitalised(one))): </label><select id=\"unit\"></select>\n<div \
            id=\"years-chart\" role=\"img\" aria-live=\"polite\"></div>\n
            """
        h += """
            <script type=\"application/json\" \
            id=\"panel-data\">\(data.split(separator: "</", omittingEmptySubsequences: false).joined(separator: "<\\/"))</script>\n</section>\n
            """
        let z = Normal.quantile(1 - (1 - level) / 2)
        h += """
            <section id=\"persistent\"><h2>Persistent effects</h2><p>Each \(one)'s persistent unjustified \
            effect (its shrunken intercept in the mixed model) with its \
            \(NumberFormat.significant(level * 100, 4))% interval (± \(NumberFormat.fixed(z, decimals: 2)) conditional SDs), \
            highest first.</p>\n
            """
        h += SVGCharts.effects(id: "chart-persistent", title: "Persistent effects", labels: a.unitLabels, estimate: d.unitEffect,
                               low: zip(d.unitEffect, d.unitSD).map { $0 - z * $1 }, high: zip(d.unitEffect, d.unitSD).map { $0 + z * $1 },
                               axis: linkScale.map { "Persistent effect on the \($0) scale" } ?? "Persistent unjustified amount: \(PublishedPage.lowered(label))\(money ? " (£)" : "")")
        h += "</section>\n"
        let panelPart = text.components(separatedBy: "\nPersistent or passing").dropFirst().joined()
        h += PublishedPage.modelFold(model + "\nPersistent or passing" + panelPart,
                                     glossary: PublishedPage.glossary(response: response, groups: groups, labels: L))
        let exclusions = a.droppedRows.map { r -> Exclusion in
            let ids = a.data.ids
            return Exclusion(id: r.row < ids.count ? ids[r.row] : "row \(r.row + 1)", label: "", reason: r.reason)
        }
        var settings = ["Rank intervals: \(a.ranks.draws) draws of every \(one)'s effect from its conditional distribution, seed \(a.ranks.seed)."]
        if let b = a.bootstrap { settings.append("Persistent effects' bootstrap: \(b.replicates) parametric refits.") }
        if let s = a.request.explain.scale { settings.append("Amounts in pounds: the per-head amounts × \(PublishedPage.lowered(L.variable(s))) (\(s)).") }
        h += PublishedPage.notes(p, exclusions: exclusions, settings: settings, unit: "rows")
        h += "<script>\(HTMLReport.sortScript)\(script)</script>\n</body></html>\n"
        return h
    }

    static func pct(_ x: Double) -> String { NumberFormat.fixed(100 * x, decimals: 1) + "%" }

    /// Draws the chosen unit's observed and justified levels over the periods.
    static let script = """
    (function(){
      var data=JSON.parse(document.getElementById('panel-data').textContent);
      var select=document.getElementById('unit');
      data.units.forEach(function(c,i){var o=document.createElement('option');o.value=i;o.textContent=c.label+' ('+c.id+')';select.appendChild(o);});
      function fmt(x){var d=Math.abs(x)>=100?0:Math.abs(x)>=10?1:2;return (x<0?'-':'')+(data.unit||'')+Math.abs(x).toFixed(d).replace(/\\B(?=(\\d{3})+(?!\\d))/g,',');}
      \(HTMLReport.escapeFunction)
      function draw(){
        var c=data.units[select.value],P=data.periods.length,lo=Infinity,hi=-Infinity;
        c.observed.concat(c.justified).forEach(function(v){if(v!==null){lo=Math.min(lo,v);hi=Math.max(hi,v);}});
        var pad=(hi-lo)*0.1||1;lo-=pad;hi+=pad;
        var W=720,H=320,L=80,R=40,T=20,B=50;
        function x(i){return L+(P>1?i/(P-1):0.5)*(W-L-R);}
        function y(v){return T+(hi-v)/(hi-lo)*(H-T-B);}
        function line(vs,colour,name){var pts=[],s='';vs.forEach(function(v,i){if(v!==null)pts.push(x(i)+','+y(v));});
          s+='<polyline fill="none" stroke="'+colour+'" stroke-width="2" points="'+pts.join(' ')+'"><title>'+esc(name)+'</title></polyline>';
          vs.forEach(function(v,i){if(v!==null)s+='<circle cx="'+x(i)+'" cy="'+y(v)+'" r="3" fill="'+colour+'"><title>'+esc(name+' '+data.periods[i]+': '+fmt(v))+'</title></circle>';});
          return s;}
        var desc=c.label+': observed '+c.observed.map(function(v,i){return data.periods[i]+' '+(v===null?'none':fmt(v));}).join(', ')
          +'; justified '+c.justified.map(function(v,i){return data.periods[i]+' '+(v===null?'none':fmt(v));}).join(', ')
          +'; persistent effect '+fmt(c.persistent);
        var s='<svg role="img" aria-label="'+esc(desc)+'" viewBox="0 0 '+W+' '+H+'" width="'+W+'" height="'+H+'" xmlns="http://www.w3.org/2000/svg"><title>'+esc(desc)+'</title>';
        for(var k=0;k<=4;k++){var v=lo+(hi-lo)*k/4;s+='<line x1="'+L+'" x2="'+(W-R)+'" y1="'+y(v)+'" y2="'+y(v)+'" stroke="#eee"/><text x="'+(L-6)+'" y="'+(y(v)+4)+'" text-anchor="end" font-size="11">'+fmt(v)+'</text>';}
        if(data.axis)s+='<text transform="translate(14 '+((T+H-B)/2)+') rotate(-90)" text-anchor="middle" font-size="12" class="axis">'+esc(data.axis)+'</text>';
        data.periods.forEach(function(p,i){s+='<text x="'+x(i)+'" y="'+(H-B+18)+'" text-anchor="middle" font-size="11">'+esc(p)+'</text>';});
        s+=line(c.justified,'#4d9221','justified')+line(c.observed,'#2166ac','observed');
        s+='<text x="'+(W-R)+'" y="'+(H-8)+'" text-anchor="end" font-size="11">blue: observed; green: justified</text>';
        document.getElementById('years-chart').innerHTML=s+'</svg>';
      }
      select.addEventListener('change',draw);draw();
    })();
    """
}
