import Testing

/// `zip(a, b)` for comparing an output with its reference, after checking that both have the
/// same number of elements: a bare `zip` stops at the shorter and passes on an empty output.
func paired<A: Collection, B: Collection>(_ a: A, _ b: B, sourceLocation: SourceLocation = #_sourceLocation) -> Zip2Sequence<A, B> {
    #expect(a.count == b.count, "compared collections differ in length: \(a.count) against \(b.count)", sourceLocation: sourceLocation)
    return zip(a, b)
}
