/// The version of Varex, written into provenance fields and `--version`.
public enum VarexVersion {
    public static let string = "0.1.0"
}
