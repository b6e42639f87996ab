/// A named group of model terms, justifiable (legitimate reasons for a difference: need,
/// demography, accepted policy) or not.
public struct TermGroup: Sendable, Equatable {
    public let name: String
    public let justified: Bool
    /// Term labels as the formula names them (`imd_score`, `log(pop_85p/pop_18p)`, `council_type`).
    public let terms: [String]

    public init(name: String, justified: Bool, terms: [String]) {
        self.name = name
        self.justified = justified
        self.terms = terms
    }

    /// Parses `NAME=term1,term2`; commas inside parentheses belong to the term (`log(x, 2)`).
    public static func parse(_ spec: String, justified: Bool) throws -> TermGroup {
        guard let (name, list) = NameValue.split(spec) else {
            if let eq = spec.firstIndex(of: "="), eq != spec.startIndex, !String(spec[..<eq]).trimmingSpaces.isEmpty {
                throw ExplainError.emptyGroup(String(spec[..<eq]).trimmingSpaces)
            }
            throw ExplainError.invalidGroup(spec)
        }
        var terms: [String] = []
        var depth = 0, current = ""
        for ch in list {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 { terms.append(current.trimmingSpaces); current = "" } else { current.append(ch) }
        }
        terms.append(current.trimmingSpaces)
        terms.removeAll { $0.isEmpty }
        guard !name.isEmpty else { throw ExplainError.invalidGroup(spec) }
        guard !terms.isEmpty else { throw ExplainError.emptyGroup(name) }
        return TermGroup(name: name, justified: justified, terms: terms)
    }
}

/// Every term of a formula assigned to exactly one group.
public struct TermGrouping: Sendable {
    public let groups: [TermGroup]
    /// For each formula term (by index), its group's index.
    public let groupOfTerm: [Int]
    /// For each absorbed factor (`--absorb`, in order), its group's index.
    public let groupOfAbsorbed: [Int]

    /// Checks that every term of `formula`, and every absorbed factor, is in exactly one group
    /// and every named term exists. Terms are matched by R's label, ignoring spaces (`log(x, 2)`
    /// = `log(x,2)`); an absorbed factor by its column's name.
    public init(groups: [TermGroup], formula: Formula, absorbed: [String] = []) throws {
        func key(_ s: String) -> String { s.filter { $0 != " " } }
        let labels = formula.terms.map(\.label) + absorbed
        var names = Set<String>()
        var owner = [Int?](repeating: nil, count: labels.count)
        for (gi, g) in groups.enumerated() {
            guard names.insert(g.name).inserted else { throw ExplainError.duplicateGroupName(g.name) }
            for t in g.terms {
                guard let ti = labels.firstIndex(where: { key($0) == key(t) }) else {
                    throw ExplainError.unknownTerm(term: t, group: g.name, terms: labels)
                }
                if let other = owner[ti] {
                    throw ExplainError.termInTwoGroups(term: labels[ti], first: groups[other].name, second: g.name)
                }
                owner[ti] = gi
            }
        }
        let missing = labels.indices.filter { owner[$0] == nil }.map { labels[$0] }
        guard missing.isEmpty else { throw ExplainError.unclassifiedTerms(missing) }
        self.groups = groups
        self.groupOfTerm = owner.prefix(formula.terms.count).map { $0! }
        self.groupOfAbsorbed = owner.dropFirst(formula.terms.count).map { $0! }
    }
}
