import ArgumentParser
import Varex
import VarexAnalysis

/// `--csv-dialect`, shared by every command that writes CSV.
struct CSVOptions: ParsableArguments {
    @Option(name: .customLong("csv-dialect"), help: "CSV dialect: rfc4180 (LF, no BOM; default) or excel (UTF-8 BOM and CRLF).")
    var csvDialect: CSVWriter.Dialect = .rfc4180

    func dialect() -> CSVWriter.Dialect { csvDialect }
}
