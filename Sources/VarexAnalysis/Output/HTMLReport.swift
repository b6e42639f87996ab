import Varex
/// One self-contained HTML page (inline CSS, SVG and script; nothing fetched from a network):
/// the model summary, the group shares, a funnel plot, a caterpillar plot of rank intervals, a
/// waterfall for any council chosen from a list, and the full table, sortable by any column.
public enum HTMLReport {
    /// The table the report shows (and `varex report --out` writes): the explain table with
    /// the bootstrap rank-interval columns inserted before `note`.
    public static func table(analysis a: ExplainAnalysis, bootstrap: RankBootstrap, level: Double, ten: Int = 10) -> OutputTable {
        a.output.inserting(RankTable.intervalColumns(bootstrap: bootstrap, rows: a.fit.design.rows, rowCount: a.ids.count, level: level, ten: ten))
    }

    public static func render(analysis a: ExplainAnalysis, bootstrap: RankBootstrap, table: OutputTable,
                              funnel: (analysis: FunnelAnalysis, indicator: String)?, title: String, level: Double,
                              unit: String = "councils", publication p: Publication = Publication()) -> String {
        let groups = a.decomposition.grouping.groups
        let labelColumn = a.displayNames
        let d = a.decomposition
        var data = "{\"groups\":[" + groups.map { "{\"name\":\(JSONSummary.string($0.name)),\"justified\":\($0.justified)}" }.joined(separator: ",") + "],"
        data += "\"scale\":\(JSONSummary.string(a.retransformed == nil ? "identity" : "log")),\"councils\":["
        data += a.fit.design.rows.enumerated().map { i, r in
            "{\"id\":\(JSONSummary.string(a.ids[r])),\"label\":\(JSONSummary.string(labelColumn[r])),\"baseline\":\(JSONSummary.number(d.baseline)),"
                + "\"effects\":[" + d.effects.map { JSONSummary.number($0[i]) }.joined(separator: ",") + "],"
                + "\"residual\":\(JSONSummary.number(d.residuals[i])),\"observed\":\(JSONSummary.number(d.observed[i]))}"
        }.joined(separator: ",")
        data += "]}"
        let one = unitSingular(unit)
        var settings = ["Rank intervals: \(bootstrap.replicates) bootstrap replicates (\(bootstrap.resampling.rawValue) resampled), seed \(bootstrap.seed).",
                        "Standard errors: \(a.summary.covarianceType.rawValue)."]
        if let s = a.request.scale { settings.append("Amounts in pounds: the per-head amounts × \(PublishedPage.lowered(p.labels.variable(s))) (\(s)).") }
        let page = ExplanationPage(
            title: title, unit: unit, level: level, publication: p, response: a.summary.response,
            fit: { "The model explains \(NumberFormat.fixed(100 * a.summary.rSquared, decimals: 1))% of the variation in \($0) between the \(a.summary.n) \(unit) it was fitted to (R²)." },
            sharesOf: "the variation", groups: groups, shares: a.shares.shares, unexplained: a.shares.unexplained,
            rowLabels: a.fit.design.rows.map { labelColumn[$0] }, ranks: a.rows.ranks, unjustified: a.rows.unjustified,
            scale: a.rows.scale, bootstrap: bootstrap,
            higherIsBetter: a.request.rankingHigherIsBetter, warnings: a.justifiedWarnings,
            ranksHow: "\(bootstrap.replicates) bootstrap replicates (\(bootstrap.resampling.rawValue) resampled, seed \(bootstrap.seed)).",
            funnel: funnelSection(funnel, labels: labelColumn, publication: p),
            waterfall: (data, """
                From the baseline (the average \(one)), each group's effect, then the unexplained residual, to the \
                \(one)'s observed value\(a.retransformed == nil ? "" : " (on the model's log scale)"). Green: \
                justified; purple: unjustified.
                """, a.retransformed == nil ? nil : "log"),
            model: TextSummary.render(a.summary) + "\n" + ExplainSummary.baselineLine(a), table: table, settings: settings)
        return page.render()
    }

    /// The shares chart of the first screen: each group (justified or not) and the unexplained part.
    static func sharesChart(groups: [TermGroup], shares: [Double], unexplained: Double, what: String) -> String {
        let labels = groups.map { "\(PublishedPage.groupName($0)) (\($0.justified ? "justified" : "unjustified"))" } + ["Unexplained"]
        let colours = groups.map { $0.justified ? "#4d9221" : "#c51b7d" } + ["#999999"]
        return SVGCharts.bars(id: "chart-shares", title: "Shares of \(what)", labels: labels,
                              values: shares.map { 100 * $0 } + [100 * unexplained], colours: colours,
                              axis: "Share of \(what) (%)")
    }

    /// What rank 1 is, in a sentence.
    static func rankMeaning(_ higherIsBetter: Bool) -> String {
        "Rank 1 is the \(higherIsBetter ? "lowest" : "highest") unjustified amount"
    }

    static func unitSingular(_ unit: String) -> String { unit == "councils" ? "council" : unit.hasSuffix("s") ? String(unit.dropLast()) : unit }

    /// The waterfall's section: the intro, the council list, the chart's place and its data
    /// (JSON, with `</` escaped so the script element cannot end early).
    static func waterfallSection(data: String, intro: String) -> String {
        """
        <section id=\"waterfall\"><h2>Waterfall</h2><p>\(intro)</p>
        <label for=\"council\">Council: </label><select id=\"council\"></select>
        <div id=\"waterfall-chart\" role=\"img\" aria-live=\"polite\"></div>
        <script type=\"application/json\" \
        id=\"waterfall-data\">\(data.split(separator: "</", omittingEmptySubsequences: false).joined(separator: "<\\/"))</script>
        </section>

        """
    }

    /// A column's title for readers: `unjustified_gbp` → "Unjustified (£)", `effect_need` →
    /// "Need effect", `p_top10` → "P(top 10)"; the CSV name stays in the heading's tooltip.
    static func title(_ name: String) -> String {
        if name.hasSuffix("_gbp") { return title(String(name.dropLast(4))) + " (£)" }
        if name.hasPrefix("effect_") {
            let g = String(name.dropFirst(7))
            if g.hasSuffix("_pct") { return capitalised(String(g.dropLast(4))) + " effect (%)" }
            return capitalised(g) + " effect"
        }
        if name.hasPrefix("p_top") { return "P(top \(name.dropFirst(5)))" }
        if name.hasPrefix("p_bottom") { return "P(bottom \(name.dropFirst(8)))" }
        let known = ["observed": "Observed", "fitted": "Fitted", "baseline": "Baseline", "justified": "Justified",
                     "unjustified": "Unjustified", "residual": "Residual", "unjustified_pct": "Unjustified (%)",
                     "studentized_residual": "Studentized residual", "pi_low": "Prediction interval, low",
                     "pi_high": "Prediction interval, high", "rank": "Rank", "median_rank": "Median rank",
                     "rank_low": "Rank interval, low", "rank_high": "Rank interval, high", "note": "Note"]
        return known[name] ?? name
    }

    static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// A table cell: numbers carry their full value in `data-v` (for sorting and checking) and
    /// are shown for reading: pounds as £29.3m, percentages and probabilities with one decimal.
    static func cell(_ c: Cell, column: String) -> String {
        switch c {
        case let .number(x):
            guard x.isFinite else { return "<td></td>" }
            let shown: String
            if column.hasSuffix("_gbp") { shown = ExplainSummary.money(x) }
            else if column.hasSuffix("_pct") { shown = NumberFormat.fixed(x, decimals: 1) + "%" }
            else if column.hasPrefix("p_") { shown = NumberFormat.fixed(100 * x, decimals: 1) + "%" }
            else if column == "median_rank" { shown = NumberFormat.significant(x, 4) }
            else { shown = abs(x) >= 1e5 ? NumberFormat.fixed(x, decimals: 0) : NumberFormat.significant(x, 4) }
            return "<td class=\"num\" data-v=\"\(NumberFormat.roundTrip(x))\">\(SVGCharts.escape(shown))</td>"
        case let .integer(k): return "<td class=\"num\" data-v=\"\(k)\">\(k)</td>"
        case let .text(s): return "<td>\(SVGCharts.escape(s))</td>"
        case let .bool(b): return "<td>\(b ? "yes" : "no")</td>"
        case .empty: return "<td></td>"
        }
    }

    /// The sortable table of every row (`full-table`, sorted by `sortScript`), closing its section.
    static func fullTable(_ table: OutputTable) -> String {
        let esc = SVGCharts.escape
        var h = "<div class=\"scroll\"><table id=\"full-table\"><thead><tr>"
        h += table.header.map { "<th scope=\"col\" title=\"\(esc($0))\">\(esc(title($0)))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in table.rows {
            h += "<tr>" + row.enumerated().map { cell($0.element, column: table.header[$0.offset]) }.joined() + "</tr>\n"
        }
        return h + "</tbody></table></div></section>\n"
    }

    /// The page up to its navigation: head, style and the header naming the run's `outputs`.
    /// The funnel section: the plot of `funnel` (its rows named by `labels`, one per table
    /// row), or a line saying how to ask for one. `note` says which rows it shows, if not all.
    static func funnelSection(_ funnel: (analysis: FunnelAnalysis, indicator: String)?, labels: [String], note: String = "",
                              publication p: Publication = Publication()) -> String {
        let esc = SVGCharts.escape
        var h = "<section id=\"funnel\"><h2>Funnel plot</h2>"
        if let funnel {
            let f = funnel.analysis.plot
            let names = funnel.analysis.rows.map { labels[$0] }
            let d = funnel.analysis.denominators
            let axes = funnelAxes(funnel.analysis, indicator: funnel.indicator, labels: p.labels)
            h += """
                <p>\(esc(axes.y)) against \(esc(PublishedPage.lowered(axes.x))); target \
                \(NumberFormat.significant(f.target, 5)), φ = \(NumberFormat.significant(f.phi, 4)), \
                τ² = \(NumberFormat.significant(f.tau2, 4)), overdispersion: \
                \(f.overdispersion.rawValue). Red points lie outside a control limit.\(esc(note))</p>
                """
            h += SVGCharts.funnel(id: "chart-funnel", title: "Funnel plot of \(PublishedPage.lowered(axes.y))", plot: f, labels: names,
                                  denominators: d?.values, xLabel: axes.x, yLabel: axes.y)
        } else {
            h += "<p>No funnel plot: give <code>--funnel-indicator</code> and its precision.</p>"
        }
        return h + "</section>\n"
    }

    /// A funnel's axis titles with their units: the indicator's label with "(%)" for a
    /// proportion of 100 or "per N" for a rate; the denominator's label "(count)", or the precision.
    static func funnelAxes(_ f: FunnelAnalysis, indicator: String, labels: Labels) -> (x: String, y: String) {
        var y = labels.variable(indicator)
        if f.counts != nil { y = "Observed / expected" }
        else if case let .proportion(scale)? = f.kind, !y.contains("(%)") { y += scale == 100 ? " (%)" : " (proportion of \(NumberFormat.significant(scale, 6)))" }
        else if case let .rate(per)? = f.kind { y += " (per \(PublishedPage.grouped(NumberFormat.fixed(per, decimals: 0))))" }
        let x = f.denominators.map { d -> String in
            let l = labels.variable(d.name)
            if f.counts != nil { return l.lowercased().contains("expected") ? l : l + " (expected count)" }
            return l + " (count)"
        } ?? "Precision (1 / SE²)"
        return (x, y)
    }

    /// The page's last section, the full sortable table, and its end.
    static func tableSection(_ table: OutputTable, unit: String) -> String {
        """
        <section id=\"table\"><h2>All \(SVGCharts.escape(unit))</h2><p>Click a column heading to sort. Rows left \
        out of the fit give the reason in <em>note</em>.</p>\n
        """ + fullTable(table) + "<script>\(script)</script>\n</body></html>\n"
    }

    static func pageStart(title: String, outputs: String) -> String {
        let esc = SVGCharts.escape
        var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(esc(title))</title>\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\(css)</style></head><body>\n"
        h += """
            <header><h1>\(esc(title))</h1><p>Made by Varex \(VarexVersion.string). Every number \
            below comes from the same run as \(outputs) written beside this file.</p></header>\n
            """
        return h
    }

    static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:0 1.2rem 3rem;color:#222}
    header h1{margin-bottom:.2rem}nav{position:sticky;top:0;background:#fff;padding:.5rem 0;border-bottom:1px solid #ddd;z-index:2}
    section{margin-top:2rem}pre{background:#f6f6f6;padding:.8rem;overflow-x:auto;font-size:.8rem}
    svg{max-width:100%;height:auto}.lbl,.val,.tick,.axis{font-size:12px;fill:#333}.small{font-size:7px;fill:#333}.rowlabel{font-size:11px;fill:#333}.outlier{font-size:11px;fill:#b2182b}
    .frame{fill:none;stroke:#bbb}.grid{stroke:#eee}.target{stroke:#333;stroke-width:1.5}
    .limit{fill:none;stroke:#2166ac;stroke-dasharray:5 3}.limit.l1{stroke:#b2182b}.pt{fill:#555;opacity:.75}.pt.out{fill:#d7301f;opacity:1}
    .ci{stroke:#4393c3;stroke-width:2}.med{fill:#053061}
    .frontier{fill:none;stroke:#1a9850;stroke-width:2}.centre{stroke:#333;stroke-dasharray:6 4}.quadrant{font-size:12px;fill:#777;font-style:italic}.bar{stroke:#bbb;stroke-width:1}
    .vp{fill:#fff;stroke-width:1.5}.vp.q0{stroke:#1a9850}.vp.q1{stroke:#4575b4}.vp.q2{stroke:#fdae61}.vp.q3{stroke:#d73027}.vp.q0.sure{fill:#1a9850}.vp.q3.sure{fill:#d73027}
    .scroll{overflow-x:auto;max-height:70vh}table{border-collapse:collapse;font-size:.75rem}
    th{position:sticky;top:0;background:#eef;cursor:pointer;white-space:nowrap;padding:.3rem}td{padding:.2rem .4rem;border-bottom:1px solid #eee;white-space:nowrap}
    td.num{text-align:right;font-variant-numeric:tabular-nums}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
    select{font-size:1rem;margin:.5rem 0;max-width:100%}
    #findings p,#findings li{font-size:1.05rem;line-height:1.5;max-width:48rem}ul.findings{padding-left:1.2rem}
    details{margin:.8rem 0}details>summary{cursor:pointer;color:#1a4f8b;font-weight:600}
    #short-table{font-size:.9rem}#short-table th{white-space:normal;vertical-align:bottom;max-width:11rem}#short-table td{white-space:nowrap}.short{max-height:none}
    table.glossary,table.inputs{font-size:.85rem;margin:.6rem 0}table.glossary td,table.inputs td{white-space:normal;word-break:break-all}
    th.plain{cursor:default;position:static}
    @media (max-width:600px){body{padding:0 .6rem 2rem}h1{font-size:1.4rem}#short-table{font-size:.8rem}nav{font-size:.85rem}}
    """

    static let script = sortScript + waterfallScript

    /// `esc(t)`: a value as HTML text or an attribute value, for every value a chart script
    /// puts into markup (names, labels, periods read from the data: a period such as
    /// `<img src=x onerror=…>` must stay text).
    static let escapeFunction = """
    function esc(t){return String(t).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/>/g,'&gt;').replace(/"/g,'&quot;').replace(/'/g,'&#39;');}
    """

    /// Sorting of the page's full table by a click on a column heading.
    static let sortScript = """
    (function(){
      var table=document.getElementById('full-table');
      var heads=table.tHead.rows[0].cells;
      for(var c=0;c<heads.length;c++){(function(col){heads[col].addEventListener('click',function(){sortBy(col,this);});})(c);}
      function key(td){var v=td.getAttribute('data-v');return v===null?td.textContent:parseFloat(v);}
      function sortBy(col,th){
        var asc=!th.classList.contains('sorted-asc');
        for(var i=0;i<heads.length;i++){heads[i].classList.remove('sorted-asc','sorted-desc');}
        th.classList.add(asc?'sorted-asc':'sorted-desc');
        var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
        rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
          var ex=(x===''||(typeof x==='number'&&isNaN(x))),ey=(y===''||(typeof y==='number'&&isNaN(y)));
          if(ex&&ey)return 0;if(ex)return 1;if(ey)return -1;
          if(typeof x==='number'&&typeof y==='number')return asc?x-y:y-x;
          return asc?String(x).localeCompare(String(y)):String(y).localeCompare(String(x));});
        rows.forEach(function(r){body.appendChild(r);});
      }
    })();

    """

    /// The waterfall of the chosen council.
    static let waterfallScript = """
    (function(){
      var data=JSON.parse(document.getElementById('waterfall-data').textContent);
      var select=document.getElementById('council');
      data.councils.forEach(function(c,i){var o=document.createElement('option');o.value=i;o.textContent=c.label+' ('+c.id+')';select.appendChild(o);});
      var dec=2;
      function fmt(x){var t=Math.abs(x).toFixed(dec).replace(/\\B(?=(\\d{3})+(?!\\d))/g,',');return (x<0?'-':'')+(data.unit||'')+t;}
      function nice(lo,hi){var raw=(hi-lo)/5||1,step=Math.pow(10,Math.floor(Math.log10(raw)));[1,2,5,10].some(function(m){if(step*m>=raw){step*=m;return true;}return false;});
        var t=[],v=Math.ceil(lo/step)*step;while(v<=hi+step*1e-9){t.push(v);v+=step;}return t;}
      \(escapeFunction)
      function draw(){
        var c=data.councils[select.value];var steps=[{name:'Baseline',v:c.baseline,kind:'base'}];
        data.groups.forEach(function(g,k){steps.push({name:g.name.charAt(0).toUpperCase()+g.name.slice(1),v:c.effects[k],kind:g.justified?'just':'unjust'});});
        steps.push({name:'Unexplained',v:c.residual,kind:'unjust'});
        var level=0,bars=[],lo=0,hi=0;
        steps.forEach(function(s,i){var a=i===0?0:level,b=i===0?s.v:level+s.v;bars.push({s:s,a:a,b:b});level=b;lo=Math.min(lo,a,b);hi=Math.max(hi,a,b);});
        bars.push({s:{name:'Observed',v:c.observed,kind:'total'},a:0,b:c.observed});lo=Math.min(lo,c.observed);hi=Math.max(hi,c.observed);
        var m=0;bars.forEach(function(b){m=Math.max(m,Math.abs(b.s.v));});dec=m>=100?0:m>=10?1:2;
        var W=720,H=340,L=86,T=20,B=60,bw=(W-L-20)/bars.length;
        function y(v){return T+(hi-v)/(hi-lo||1)*(H-T-B);}
        var colours={base:'#777',just:'#4d9221',unjust:'#c51b7d',total:'#2166ac'};
        var desc='Waterfall for '+c.label+': '+bars.map(function(b){return b.s.name+' '+fmt(b.s.v);}).join('; ');
        var s='<svg role="img" aria-label="'+esc(desc)+'" viewBox="0 0 '+W+' '+H+'" width="'+W+'" height="'+H+'" xmlns="http://www.w3.org/2000/svg"><title>'+esc(desc)+'</title>';
        nice(lo,hi).forEach(function(t){s+='<line x1="'+L+'" x2="'+(W-20)+'" y1="'+y(t)+'" y2="'+y(t)+'" stroke="#eee"/><text x="'+(L-6)+'" y="'+(y(t)+4)+'" text-anchor="end" font-size="11" class="tick">'+fmt(t)+'</text>';});
        if(data.axis)s+='<text transform="translate(14 '+((T+H-B)/2)+') rotate(-90)" text-anchor="middle" font-size="12" class="axis">'+esc(data.axis)+'</text>';
        s+='<line x1="'+L+'" x2="'+(W-20)+'" y1="'+y(0)+'" y2="'+y(0)+'" stroke="#999"/>';
        bars.forEach(function(b,i){var x=L+i*bw+4,top=y(Math.max(b.a,b.b)),h=Math.max(1,Math.abs(y(b.a)-y(b.b)));
          s+='<rect x="'+x+'" y="'+top+'" width="'+(bw-8)+'" height="'+h+'" fill="'+colours[b.s.kind]+'"></rect>';
          s+='<text x="'+(x+(bw-8)/2)+'" y="'+(top-4)+'" text-anchor="middle" font-size="11">'+fmt(b.s.v)+'</text>';
          s+='<text x="'+(x+(bw-8)/2)+'" y="'+(H-B+16)+'" text-anchor="middle" font-size="11">'+esc(b.s.name)+'</text>';});
        document.getElementById('waterfall-chart').innerHTML=s+'</svg>';
      }
      select.addEventListener('change',draw);draw();
    })();
    """
}
