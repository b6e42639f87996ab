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
            analysis = try FunnelAnalysis(table: table.selecting(rows: rows), request: request, ids: ids)
            indicator = request.indicator
            self.period = period
            labels = try a.request.explain.fit.label.map { name in let c = try table.column(name).cells; return rows.map { c[$0] } } ?? ids
        }
    }

    public static func render(_ a: PanelAnalysis, funnel: Funnel? = nil, title: String, unit: String = "councils") -> String {
        render(panel: a, model: MixedSummary.text(fit: a.fit, satterthwaite: a.satterthwaite, level: a.request.explain.fit.level),
               text: PanelSummary.text(a, unit: unit), axis: "persistent effect (\(a.fit.design.fixed.responseLabel))",
               funnel: funnel, title: title, unit: unit)
    }

    /// A panel GLMM's report: the persistent effects on the link scale, the levels on the
    /// response scale.
    public static func render(_ a: PanelGLMMAnalysis, funnel: Funnel? = nil, title: String, unit: String = "councils") -> String {
        render(panel: a, model: GLMMSummary.text(a.glmm), text: PanelSummary.text(a, unit: unit),
               axis: "persistent effect (\(a.glmm.fit.link.rawValue) scale)", funnel: funnel, title: title, unit: unit)
    }

    /// The page from the model's summary text, the panel's text and the units' effects.
    static func render(panel a: some PanelExplanation, model: String, text: String, axis: String, funnel: Funnel?, title: String,
                       unit: String) -> String {
        let esc = SVGCharts.escape
        let level = a.request.explain.fit.level
        let d = a.decomposition, u = a.units
        let one = unit == "councils" ? "council" : "unit"
        var h = HTMLReport.pageStart(title: title, outputs: "the CSVs")
        h += """
            <nav><a href=\"#summary\">Model</a> · <a href=\"#panel\">Persistent or passing</a>\(funnel == nil ? "" : " · <a href=\"#funnel\">Funnel plot</a>") · <a \
            href=\"#years\">\(esc(HTMLReport.capitalised(one))) over the periods</a> · <a href=\"#persistent\">Persistent \
            effects</a> · <a href=\"#table\">Table</a></nav>\n
            """
        h += "<section id=\"summary\"><h2>Model</h2><pre>\(esc(model))</pre></section>\n"
        let panelPart = text.components(separatedBy: "\nPersistent or passing").dropFirst().joined()
        h += "<section id=\"panel\"><h2>Persistent or passing</h2><pre>\(esc("Persistent or passing" + panelPart))</pre></section>\n"
        if let funnel {
            h += HTMLReport.funnelSection((funnel.analysis, funnel.indicator), labels: funnel.labels,
                                          note: " One point per \(one): the \(funnel.period) values.")
        }

        // Observed and justified levels per unit and period, for the chart the list drives.
        let justified = d.justified
        var data = "{\"periods\":[" + u.periods.map(JSONSummary.string).joined(separator: ",") + "],\"units\":["
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
                               axis: axis)
        h += "</section>\n"
        let table = a.unitsTable()
        h += """
            <section id=\"table\"><h2>All \(esc(unit))</h2><p>Click a column heading to sort.</p>\n

            """
        h += HTMLReport.fullTable(table)
        h += "<script>\(HTMLReport.sortScript)\(script)</script>\n</body></html>\n"
        return h
    }

    /// Draws the chosen unit's observed and justified levels over the periods.
    static let script = """
    (function(){
      var data=JSON.parse(document.getElementById('panel-data').textContent);
      var select=document.getElementById('unit');
      data.units.forEach(function(c,i){var o=document.createElement('option');o.value=i;o.textContent=c.label+' ('+c.id+')';select.appendChild(o);});
      function fmt(x){return Math.abs(x)>=100?x.toFixed(0):x.toPrecision(4);}
      \(HTMLReport.escapeFunction)
      function draw(){
        var c=data.units[select.value],P=data.periods.length,lo=Infinity,hi=-Infinity;
        c.observed.concat(c.justified).forEach(function(v){if(v!==null){lo=Math.min(lo,v);hi=Math.max(hi,v);}});
        var pad=(hi-lo)*0.1||1;lo-=pad;hi+=pad;
        var W=720,H=320,L=60,R=40,T=20,B=50;
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
        data.periods.forEach(function(p,i){s+='<text x="'+x(i)+'" y="'+(H-B+18)+'" text-anchor="middle" font-size="11">'+esc(p)+'</text>';});
        s+=line(c.justified,'#4d9221','justified')+line(c.observed,'#2166ac','observed');
        s+='<text x="'+(W-R)+'" y="'+(H-8)+'" text-anchor="end" font-size="11">blue: observed; green: justified</text>';
        document.getElementById('years-chart').innerHTML=s+'</svg>';
      }
      select.addEventListener('change',draw);draw();
    })();
    """
}
