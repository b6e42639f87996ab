import ArgumentParser
import Varex
import VarexAnalysis

/// The options every model-fitting command shares (`fit`, `explain`, `rank`, `report`). Each may
/// come from a spec file instead (`--spec`); a flag given on the command line wins.
struct ModelOptions: ParsableArguments {
    @Option(help: "A spec file (YAML) holding the analysis; flags given here override it (see `varex init`).")
    var spec: String?

    @Option(name: .shortAndLong, help: "The model formula, e.g. \"y ~ x1 + log(x2) + C(group)\".")
    var formula: String?

    @Option(help: "Column that identifies each row (default: row number); the key for --join.")
    var id: String?

    @Option(help: "Column of case weights for weighted least squares (zero weights leave the row out).")
    var weights: String?

    @Option(help: "Standard errors: classical (default), HC0, HC1, HC2, HC3, HC4, HC4m or HC5.")
    var se: CovarianceType?

    @Option(help: "Confidence level for intervals (default 0.95).")
    var level: Double?

    @Option(help: "Reference level of a categorical variable, as VARIABLE=LEVEL (repeatable).")
    var reference: [String] = []

    @Option(help: "Relative tolerance below which a column counts as aliased (default 1e-10; R's lm uses 1e-7).")
    var tol: Double?

    @Option(help: "Another CSV whose columns are added by the --id column (repeatable).")
    var join: [String] = []

    @Option(help: "Leave the row with this id out of the fit (repeatable); it stays in the tables with a note.")
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Fit only the rows where this condition is TRUE, as R's subset: comparisons (< <= > >= == !=, %in% c(...)) of columns, numbers and quoted text, joined by & | ! and parentheses, e.g. 'imd_score > 20 & council_type != \"County\"'. Rows where it is FALSE or NA stay in the per-row tables with a note.", valueName: "EXPR"))
    var subset: String?

    @Option(help: "A column to show beside the id, e.g. the council's name.")
    var label: String?

    @Option(help: "Input columns to carry into the per-row table, COL,COL,... (repeatable), as broom::augment(model, data = d).")
    var keep: [String] = []

    @Option(help: "Absorb this factor's fixed effects (repeatable: any number of factors), as fixest and reghdfe do: the same coefficients and SEs as a dummy column per level, without the columns (varex fit).")
    var absorb: [String] = []

    @Option(help: "A column whose values cluster the rows, for cluster-robust SEs (repeatable, at most two: two-way clustering); implies --se CR1 unless --se CR0.")
    var cluster: [String] = []

    @Option(name: .customLong("cluster-df"), help: "Denominator df of t and F tests with --cluster (CR0, CR1): clusters (G − 1, Stata's; the default) or residual (n − k, as R's coeftest and car::Anova with vcovCL).")
    var clusterDF: ClusterTestDF?

    func validate() throws {
        if cluster.count > 2 { throw ValidationError("--cluster: at most two clustering columns") }
        if let se, se.isClustered, cluster.isEmpty, spec == nil { throw ValidationError("--se \(se.rawValue) needs --cluster COLUMN") }
        if let se, !cluster.isEmpty, !se.isClustered { throw ValidationError("--cluster goes with --se CR0, CR1 or CR2, not \(se.rawValue)") }
        if let level, !(level > 0 && level < 1) { throw ValidationError("--level \(level): the confidence level must lie strictly between 0 and 1") }
        if let tol, !(tol > 0 && tol < 1) { throw ValidationError("--tol \(tol): the tolerance must lie strictly between 0 and 1") }
    }

    /// The spec named by --spec, if any.
    func loadSpec() throws -> AnalysisSpec? { try spec.map { try AnalysisSpec(contentsOf: $0) } }

    /// The spec with this command's flags written over it (the spec's own paths stay relative to
    /// it; paths given as flags are used as they are).
    func merged(data: String?, spec: AnalysisSpec?) throws -> AnalysisSpec {
        var s = spec ?? AnalysisSpec()
        if let data { s.data = data.hasPrefix("/") || s.path.isEmpty ? data : absolute(data) }
        if let formula { s.formula = formula }
        if let id { s.id = id }
        if let weights { s.weights = weights }
        if let se { s.se = se }
        if let level { s.level = level }
        if let tol { s.tol = tol }
        for (k, v) in try FitAnalysis.parseReferences(reference) { s.reference[k] = v }
        if !join.isEmpty { s.join = s.path.isEmpty ? join : join.map(absolute) }
        if !exclude.isEmpty { s.exclude = exclude }
        if let subset { s.subset = subset }
        if let label { s.label = label }
        if !cluster.isEmpty { s.cluster = cluster }
        if let clusterDF { s.clusterDF = clusterDF }
        if !absorb.isEmpty { s.absorb = absorb }
        if !keep.isEmpty { s.keep = keep.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } }
        guard s.data != nil else { throw ValidationError("give the data file, or a --spec that names it (data:)") }
        guard s.formula != nil else { throw ValidationError("give --formula, or a --spec that has one") }
        return s
    }

    /// The fit request from the flags, falling back on the spec, then on the defaults.
    func request(data: String?, spec: AnalysisSpec?) throws -> FitRequest {
        let r = try FitRequest(spec: merged(data: data, spec: spec))
        if r.covariance.isClustered && r.clusters.isEmpty { throw ValidationError("--se \(r.covariance.rawValue) needs --cluster COLUMN (or the spec's cluster:)") }
        if !r.clusters.isEmpty && !r.covariance.isClustered {
            throw ValidationError("--cluster goes with --se CR0, CR1 or CR2, not \(r.covariance.rawValue)")
        }
        return r
    }
}

/// A path given on the command line, made absolute so a spec in another folder does not move it.
func absolute(_ path: String) -> String {
    if path.hasPrefix("/") || path == "-" { return path }
    return FileSystem.currentDirectory + "/" + path
}
