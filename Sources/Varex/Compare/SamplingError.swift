import Foundation

/// How a published outcome value could have come out otherwise: the sampling error of a survey
/// estimate or of a count over a population. A draw is the published value plus a deviation
/// from the measure's sampling distribution, so the published value stays the centre even where
/// a rounded numerator does not reproduce it exactly.
public enum SamplingError: Sendable, Equatable {
    /// Treated as exact (no error information in the data).
    case exact
    /// A survey estimate with its published 95% margin of error: normal, SD = moe / z₀.₉₇₅.
    case marginOfError(Double)
    /// A proportion numerator/denominator (× `scale`, e.g. 100 for a percentage): the
    /// proportion drawn from its Jeffreys posterior Beta(num + ½, den − num + ½), which has
    /// spread even at 0% or 100% of a handful of cases.
    case proportion(numerator: Double, denominator: Double, scale: Double)
    /// A rate numerator/denominator (× `scale`, e.g. 100,000 for a rate per 100,000): the rate
    /// drawn from its Jeffreys posterior Gamma(num + ½, 1) / den.
    case rate(numerator: Double, denominator: Double, scale: Double)

    static let z975 = Normal.quantile(0.975)

    /// One draw of a value whose published figure is `value`.
    public func draw(_ value: Double, using g: inout Xoshiro256) -> Double {
        switch self {
        case .exact:
            return value
        case let .marginOfError(moe):
            return value + moe / Self.z975 * g.normal()
        case let .proportion(num, den, scale):
            let a = g.gamma(shape: num + 0.5), b = g.gamma(shape: den - num + 0.5)
            return value + scale * (a / (a + b) - num / den)
        case let .rate(num, den, scale):
            return value + scale * (g.gamma(shape: num + 0.5) / den - num / den)
        }
    }

    /// The standard deviation of a draw.
    public var standardDeviation: Double {
        switch self {
        case .exact: return 0
        case let .marginOfError(moe): return moe / Self.z975
        case let .proportion(num, den, scale):
            let a = num + 0.5, b = den - num + 0.5
            return scale * (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
        case let .rate(num, den, scale): return scale * (num + 0.5).squareRoot() / den
        }
    }

    /// The mean of a draw less the published value (the Jeffreys posteriors' small shift from
    /// num/den; 0 for a margin of error).
    public var meanShift: Double {
        switch self {
        case .exact, .marginOfError: return 0
        case let .proportion(num, den, scale): return scale * ((num + 0.5) / (den + 1) - num / den)
        case let .rate(num, den, scale): return scale * 0.5 / den
        }
    }

    /// The count error of a measure published as num/den × scale, with the scale read from the
    /// data: the power of ten nearest the median of value ÷ (num/den) over the rows that have all
    /// three. A proportion when every numerator is at most its denominator and the scale is 1 or
    /// 100; otherwise a rate.
    public static func countScale(values: [Double], numerators: [Double], denominators: [Double]) -> (scale: Double, isProportion: Bool)? {
        var ratios: [Double] = []
        var proportion = true
        for i in values.indices where !values[i].isNaN && !numerators[i].isNaN && !denominators[i].isNaN && denominators[i] > 0 {
            if numerators[i] > denominators[i] { proportion = false }
            if numerators[i] > 0 && values[i] > 0 { ratios.append(values[i] / (numerators[i] / denominators[i])) }
        }
        guard !ratios.isEmpty else { return nil }
        ratios.sort()
        let median = ratios.count % 2 == 1 ? ratios[ratios.count / 2] : (ratios[ratios.count / 2 - 1] + ratios[ratios.count / 2]) / 2
        let scale = pow(10, log10(median).rounded())
        return (scale, proportion && (scale == 1 || scale == 100))
    }
}
