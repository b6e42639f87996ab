public enum VarexVersion { public static let string = "0.1.0" }
