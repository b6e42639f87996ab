import ArgumentParser

/// The id, label and output options of the per-council commands (`funnel`, `shrink`).
struct RowOutputOptions: ParsableArguments {
    @Option(help: "Column that identifies each row (default: row number).")
    var id: String?
    @Option(help: "A column to show beside the id.")
    var label: String?
    @Option(help: "Write the CSV here (default: stdout).")
    var out: String = "-"
}

/// Where a sampling error comes from, as the per-council commands read it.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Column of standard errors.")
    var se: String?
    @Option(help: "Column of 95% margins of error (se = moe / 1.959964, the normal 97.5% quantile).")
    var moe: String?
}
