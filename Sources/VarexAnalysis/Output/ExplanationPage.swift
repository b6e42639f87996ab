import Varex

/// The published page of an explanation, for every model kind (linear, GLM, mixed, GLMM): the
/// first screen (the question and the findings in sentences, and the shares chart), the ranking
/// (a short table sorted by rank, the full table behind a fold), the funnel, the rank intervals,
/// the waterfall, the model's output behind a fold, and the notes. Each kind's report fills in
/// what it measures and how its intervals were drawn.
struct ExplanationPage {
    var title: String
    var unit: String
    var level: Double
    var publication: Publication
    /// The response as the model names it (`I(asc_gross_expenditure_k * 1000/pop_18p)`).
    var response: String
    /// The fit's headline: the share explained, in words and with its measure, e.g. "39.6% of the
    /// variation … (R²)", as a function of the response's label in a sentence.
    var fit: (String) -> String
    /// What the shares divide: "the variation", "the deviance explained".
    var sharesOf: String
    var groups: [TermGroup]
    var shares: [Double]
    var unexplained: Double
    /// One per row in the fit: its label, rank, unjustified amount and (with `--scale`) scale.
    var rowLabels: [String]
    var ranks: [Int]
    var unjustified: [Double]
    var scale: [Double]?
    var bootstrap: RankBootstrap
    var higherIsBetter: Bool
    var warnings: [String]
    /// How the rank intervals were drawn, one sentence ("200 bootstrap replicates (…); …").
    var ranksHow: String
    var funnel: String
    /// The waterfall's data (JSON, without its axis fields), the intro, and the scale its values
    /// are on when it is not the response's own ("log", "link").
    var waterfall: (data: String, intro: String, scale: String?)
    var model: String
    var table: OutputTable
    var settings: [String]

    func render() -> String {
        let L = publication.labels
        let label = L.term(response)
        let money = PublishedPage.responseUnit(label)
        let percent = NumberFormat.significant(level * 100, 4) + "%"
        let summary = bootstrap.summary(level: level)
        let meaning = HTMLReport.rankMeaning(higherIsBetter)
        var h = HTMLReport.pageStart(title: title, outputs: "the CSV")
        var found = [fit(PublishedPage.lowered(label)),
                     PublishedPage.sharesSentence(groups: groups, shares: shares, unexplained: unexplained, of: sharesOf)]
        if let scale { found.append(ExplainSummary.totalsLine(ExplainAnalysis.totals(unjustified: unjustified, scale: scale), unit: unit)) }
        found.append(PublishedPage.leadersSentence(labels: rowLabels, ranks: ranks, amounts: unjustified,
                                                   totals: scale.map { s in zip(unjustified, s).map { $0 * $1 } },
                                                   low: summary.map(\.low), high: summary.map(\.high), money: money && waterfall.scale == nil,
                                                   level: percent, higherIsBetter: higherIsBetter))
        found += warnings.map { "Warning: " + $0 }
        h += PublishedPage.firstScreen(asked: PublishedPage.askedSentence(response: label, groups: groups, labels: L, unit: unit), found: found,
                                       chart: HTMLReport.sharesChart(groups: groups, shares: shares, unexplained: unexplained,
                                                                     what: "\(sharesOf) in \(PublishedPage.lowered(label))"))
        h += """
            <nav><a href=\"#ranking\">Ranking</a> · <a href=\"#funnel\">Funnel plot</a> · <a href=\"#ranks\">Rank \
            intervals</a> · <a href=\"#waterfall\">Waterfall</a> · <a href=\"#summary\">The model</a> · <a \
            href=\"#notes\">Notes</a></nav>\n
            """
        h += PublishedPage.rankingSection(table.sorted(by: "rank"), response: label, money: money && waterfall.scale == nil, unit: unit,
                                          level: percent, rankMeaning: meaning, columns: publication.columns)
        h += funnel
        h += "<section id=\"ranks\"><h2>Rank intervals</h2><p>\(SVGCharts.escape(ranksHow)) Points are median ranks, bars the \(percent) intervals. \(meaning).</p>\n"
        h += SVGCharts.caterpillar(id: "chart-ranks", title: "Rank intervals", labels: rowLabels, rank: ranks,
                                   median: summary.map(\.median), low: summary.map(\.low), high: summary.map(\.high),
                                   axis: "Rank (\(meaning.lowercased()))")
        h += "</section>\n"
        let axis = PublishedPage.waterfallAxis(response: waterfall.scale.map { "\(label), on the model's \($0) scale" } ?? label,
                                               money: money && waterfall.scale == nil)
        h += HTMLReport.waterfallSection(data: "{" + axis + waterfall.data.dropFirst(), intro: waterfall.intro)
        h += PublishedPage.modelFold(model, glossary: PublishedPage.glossary(response: response, groups: groups, labels: L))
        h += PublishedPage.notes(publication, exclusions: Exclusion.rows(of: table, label: table.header.count > 1 && table.header[1] != "observed"),
                                 settings: settings, unit: unit)
        return h + "<script>\(HTMLReport.script)</script>\n</body></html>\n"
    }
}

extension RankBootstrap {
    /// How rank intervals drawn from a model's parameters were made: the page's sentence and the
    /// notes' (and workbook's) settings line.
    public var drawnDescription: (how: String, settings: [String]) {
        ("\(replicates) draws of the fixed effects and the conditional modes (seed \(seed)).",
         ["Rank intervals: \(replicates) draws of the fixed effects and conditional modes, seed \(seed)."])
    }
}
