extension LinearFit {
    /// A joint Wald F test per group of terms that all its coefficients are zero, with the
    /// chosen covariance: `lmtest::waldtest(fit, fit without the group, vcov = V)`. So a group's
    /// Shapley share has a p-value beside it.
    public func groupTests(_ grouping: TermGrouping, covariance type: CovarianceType) throws -> [WaldTest] {
        try grouping.groups.indices.map { g in
            let columns = design.assign.indices.filter { j in
                design.assign[j] >= 0 && grouping.groupOfTerm[design.assign[j]] == g
            }
            return try waldTest(columns: columns, covariance: type)
        }
    }
}
