import ArgumentParser
import Varex

/// `--csv-dialect`, shared by every command that writes CSV.
struct CSVOptions: ParsableArguments {
    @Option(name: .customLong("csv-dialect"), help: "CSV dialect: rfc4180 (LF, no BOM; default) or excel (UTF-8 BOM and CRLF).")
    var csvDialect: String = "rfc4180"

    func dialect() throws -> CSVWriter.Dialect {
        guard let d = CSVWriter.Dialect(rawValue: csvDialect) else { throw ValidationError("--csv-dialect \(csvDialect): expected rfc4180 or excel") }
        return d
    }
}
