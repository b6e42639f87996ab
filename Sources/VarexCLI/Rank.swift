import ArgumentParser
import Varex
import VarexAnalysis

/// `varex rank`: rank intervals by bootstrapping the explain model.
struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank councils by their unjustified value, with bootstrap rank intervals.",
        discussion: """
        Takes the options of `varex explain` (with --family, a GLM: rows resampled and the GLM refitted; with random-effect terms, a mixed model: \
        its fixed effects and conditional modes drawn). Each of --bootstrap replicates refits the model on \
        resampled data (rows by default, or residuals) and ranks every council by its unjustified value \
        under the replicate's coefficients. Output per council: its rank, median rank, the 95% rank \
        interval and the probabilities of being in the top and bottom ten. The same --seed gives the \
        same output on any number of cores.

        Examples:
          varex rank fixtures/councils/asc_2018_19.csv --id code --label name \\
            --formula "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type" \\
            --justified "need=log(pop_85p/pop_18p),imd_score,council_type" --bootstrap 2000 --seed 7 --out ranks.csv
        """
    )

    @Argument(help: "The data: a CSV file with a header row; optional with --spec.")
    var data: String?

    @OptionGroup var csv: CSVOptions

    @OptionGroup var model: ModelOptions
    @OptionGroup var explain: ExplainOptions

    @Option(help: "Number of bootstrap replicates (default 1000; 2 to 1,000,000).")
    var bootstrap: Int?

    @Option(help: "Resampling: cases (rows; default) or residuals.")
    var resample: Resampling?

    @Option(help: "Seed of the random numbers (same seed, same output; default 1).")
    var seed: UInt64?

    @Option(help: "Size of the top and bottom groups whose probabilities are reported.")
    var ten: Int = 10

    @Option(help: "Write the rank table as CSV here (default: stdout).")
    var out: String = "-"

    func run() throws {
        let spec = try model.loadSpec()
        if let spec, spec.panel != nil {
            throw SpecError.notForCommand(path: spec.path, key: "panel", command: "rank",
                                          instead: "varex explain --spec gives the persistent ranks with their intervals (--persistent-out)")
        }
        let settings = try BootstrapSettings(replicates: bootstrap, seed: seed, resampling: resample, spec: spec)
        let request = try explain.request(model: model, data: data, spec: spec)
        var asked = request.fit.asked + [.rank]
        let (family, link) = explain.glm(spec: spec)
        if family != nil { asked.append(.family) }
        let kind = request.fit.kind(family: family, link: link)
        try CapabilityTable.check(asked, for: kind)
        if let family, kind == .glm {
            guard settings.resampling == .cases else {
                throw ValidationError("--resample residuals is for linear models; a GLM's replicates resample its rows (cases)")
            }
            let a = try GLMExplainAnalysis(request, family: family, link: link)
            for w in a.glm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            let boot = try RankBootstrap(glm: a.glm.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                         replicates: settings.replicates, seed: settings.seed)
            if boot.redraws > 0 { Console.error("varex: \(boot.redraws) resample\(boot.redraws == 1 ? "" : "s") drawn again because the GLM could not be fitted to them") }
            let level = request.fit.level
            for line in RankTable.summary(glm: a, bootstrap: boot, level: level, unit: explain.unit).split(separator: "\n") { Console.error("varex: " + line) }
            try OutputFiles.write([(out, CSVWriter.render(RankTable.make(glm: a, bootstrap: boot, level: level, ten: ten), dialect: csv.dialect()))])
            return
        }
        if kind == .glmm, let family {
            guard settings.resampling == .cases, resample == nil else {
                throw ValidationError("--resample is for linear models; a GLMM's replicates draw its fixed effects and conditional modes")
            }
            let a = try GLMMExplainAnalysis(request, family: family, link: link)
            for w in a.glmm.fit.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            let boot = try RankBootstrap(glmm: a.glmm.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                         replicates: settings.replicates, seed: settings.seed)
            let level = request.fit.level
            for line in RankTable.summary(glmm: a, bootstrap: boot, level: level, unit: explain.unit).split(separator: "\n") { Console.error("varex: " + line) }
            try OutputFiles.write([(out, CSVWriter.render(RankTable.make(glmm: a, bootstrap: boot, level: level, ten: ten), dialect: csv.dialect()))])
            return
        }
        if kind == .mixed {
            guard settings.resampling == .cases, resample == nil else {
                throw ValidationError("--resample is for linear models; a mixed model's replicates draw its fixed effects and conditional modes")
            }
            let a = try MixedExplainAnalysis(request)
            for w in a.mixed.warnings + a.justifiedWarnings { Console.error("varex: warning: \(w)") }
            let boot = try RankBootstrap(mixed: a.mixed.fit, decomposition: a.decomposition, higherIsBetter: request.rankingHigherIsBetter,
                                         replicates: settings.replicates, seed: settings.seed)
            let level = request.fit.level
            for line in RankTable.summary(mixed: a, bootstrap: boot, level: level, unit: explain.unit).split(separator: "\n") { Console.error("varex: " + line) }
            try OutputFiles.write([(out, CSVWriter.render(RankTable.make(mixed: a, bootstrap: boot, level: level, ten: ten), dialect: csv.dialect()))])
            return
        }
        // An absorbed factor is refitted in each replicate as its dummies (the same model).
        let analysis = try ExplainAnalysis(request.absorbedAsDummies())
        Console.warnings(analysis.summary)
        for w in analysis.justifiedWarnings { Console.error("varex: warning: \(w)") }
        let boot = try RankBootstrap(analysis: analysis, replicates: settings.replicates, seed: settings.seed, resampling: settings.resampling)
        if boot.redraws > 0 { Console.error("varex: \(boot.redraws) resample\(boot.redraws == 1 ? "" : "s") drawn again because a term was not estimable") }
        // The short summary goes to stderr: stdout may be the rank table itself.
        let summary = RankTable.summary(analysis: analysis, bootstrap: boot, level: analysis.request.fit.level, unit: explain.unit)
        for line in summary.split(separator: "\n") { Console.error("varex: " + line) }
        try OutputFiles.write([(out, CSVWriter.render(RankTable.make(analysis: analysis, bootstrap: boot, level: analysis.request.fit.level, ten: ten), dialect: csv.dialect()))])
    }
}
