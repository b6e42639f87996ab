extension LinearFit {
    /// A joint Wald F test per group of terms that all its coefficients are zero, with the
    /// chosen covariance: `lmtest::waldtest(fit, fit without the group, vcov = V)`. So a group's
    /// Shapley share has a p-value beside it.
    /// An absorbed factor's group is tested by the classical F of the model without the group
    /// (its columns and the factor's dummies) against the fit, as `anova(lm without, lm with)`;
    /// with a sandwich covariance it is undefined (NaN), the dummies' covariance not being kept.
    public func groupTests(_ grouping: TermGrouping, covariance type: CovarianceType) throws -> [WaldTest] {
        let restored = design.absorbed == nil ? [] : restoredColumns()
        return try grouping.groups.indices.map { g in
            if grouping.groupOfAbsorbed.contains(g) {
                let others = design.assign.indices.filter { grouping.groupOfTerm[design.assign[$0]] != g && !isAliased[$0] }
                let without = try withoutAbsorbed(columns: others, restored: restored)
                let q = parameterCount - without.rank
                guard type == .classical, q > 0, dfResidual > 0 else { return WaldTest.undefined(df1: q, df2: dfResidual) }
                let drop = without.rss - weightedRSS
                let f = drop / Double(q) / (weightedRSS / Double(dfResidual))
                return WaldTest(statistic: f, df1: q, df2: dfResidual,
                                pValue: FDistribution(df1: Double(q), df2: Double(dfResidual)).survival(f), sumOfSquares: drop)
            }
            let columns = design.assign.indices.filter { j in
                design.assign[j] >= 0 && grouping.groupOfTerm[design.assign[j]] == g
            }
            return try waldTest(columns: columns, covariance: type)
        }
    }
}
