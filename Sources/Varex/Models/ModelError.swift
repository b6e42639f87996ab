/// Problems that stop a model from being fitted.
public enum ModelError: SettingMessage, Equatable {
    case constantResponse(String)
    case tooFewRows(used: Int, coefficients: Int, dropped: Int)
    case allRowsDropped(total: Int, commonestReason: String)
    case numerical(String)
    /// `offset()` or a `cbind()` response in a linear model: they need a GLM (`--family`).
    case needsFamily(String)
    /// A clustered covariance (CR0, CR1) without clustering columns.
    case needsCluster(String)
    /// CR2 with two clustering columns.
    case cr2NeedsOneCluster
    /// `--absorb` with a GLM.
    case absorbWithFamily
    /// A clustering column whose rows used all fall in one cluster.
    case oneCluster(column: String, rows: Int)
    /// `--absorb` of a factor with one row per level: the fixed effects fit every row exactly.
    case absorbedEveryRow(factor: String, rows: Int)

    public var exitCode: Int32 {
        if case .numerical = self { return 2 }
        return 1
    }

    public func message(naming names: SettingNames) -> String {
        switch self {
        case let .constantResponse(label):
            return "the response '\(label)' takes the same value in every row used; there is no variation to explain"
        case let .tooFewRows(used, coefficients, dropped):
            return """
                only \(used) usable row\(used == 1 ? "" : "s") for \(coefficients) \
                coefficients\(dropped > 0 ? " (\(dropped) rows left out for missing values)" : ""); \
                the model needs at least as many rows as coefficients
                """
        case let .allRowsDropped(total, reason):
            return "every one of the \(total) rows was left out (commonest reason: \(reason)); no row can be fitted"
        case let .numerical(why):
            return "numerical failure: \(why)"
        case .cr2NeedsOneCluster:
            return "CR2 standard errors take one clustering column (as clubSandwich); use CR1 for two-way clustering"
        case .absorbWithFamily:
            return "\(names.name(.absorb)) with \(names.name(.family)): absorbed fixed effects are for linear models here; put the factor in the formula"
        case let .oneCluster(column, rows):
            return "\(names.name(.cluster)) \(column): all \(rows) rows used are in one cluster; cluster-robust standard errors need at least two clusters (as R's vcovCL and clubSandwich)"
        case let .absorbedEveryRow(factor, rows):
            return "\(names.name(.absorb)) \(factor): each of its levels has one row (\(rows) rows), so its fixed effects fit every row exactly and nothing is left to estimate the other terms from; absorb a factor that groups rows (a council over several years)"
        case let .needsCluster(type):
            return "\(type) standard errors are clustered: name the clustering column (\(names.name(.cluster)) COLUMN)"
        case let .needsFamily(feature):
            return "\(feature) needs a generalized linear model: give \(names.name(.family)) (binomial for cbind(successes, failures))"
        }
    }
}
