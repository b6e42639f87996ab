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

/// Which rows the per-council commands use (`funnel`, `shrink`): R's `subset`, and ids left out.
struct RowSelectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Leave out this --id (repeatable): the target, overdispersion or prior come from the rest.", valueName: "ID"))
    var exclude: [String] = []
    @Option(help: ArgumentHelp("Use only the rows where this condition is TRUE, as R's subset (e.g. 'council_type != \"London Borough\"').", valueName: "EXPR"))
    var subset: String?
}

/// Where a sampling error comes from, as the per-council commands read it.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Column of standard errors.")
    var se: String?
    @Option(help: "Column of 95% margins of error (se = moe / 1.959964, the normal 97.5% quantile).")
    var moe: String?
}
