import Varex

/// The CLI's names for the settings a library error names: its flags, and with `--spec` the
/// spec's key beside the flag (the value may have come from either); `snapshot` and `verify`
/// take settings from the spec only.
struct FlagNames: SettingNames {
    enum Source { case flags, flagsOrSpec, spec }
    let source: Source

    /// The names for this invocation, from its arguments.
    init(arguments: [String]) {
        let command = arguments.dropFirst().first ?? ""
        if command == "snapshot" || command == "verify" {
            source = .spec
        } else if arguments.contains(where: { $0 == "--spec" || $0.hasPrefix("--spec=") }) {
            source = .flagsOrSpec
        } else {
            source = .flags
        }
    }

    func name(_ setting: Setting) -> String {
        let flag = "--" + Self.flag(setting)
        guard let key = Self.specKey(setting) else { return flag }
        switch source {
        case .flags: return flag
        case .flagsOrSpec: return "\(flag) (or the spec's \(key))"
        case .spec: return "the spec's \(key)"
        }
    }

    static func flag(_ setting: Setting) -> String {
        switch setting {
        case .measureWeight: return "weight"
        case .tolerance: return "tol"
        case .clusterDF: return "cluster-df"
        default: return setting.rawValue
        }
    }

    /// The spec key that sets the same thing, if a spec can.
    static func specKey(_ setting: Setting) -> String? {
        switch setting {
        case .justified, .unjustified, .scale, .exclude, .reference, .level, .join, .id, .panel, .time: return setting.rawValue
        case .tolerance: return "tol"
        case .cluster, .absorb, .se: return setting.rawValue
        case .clusterDF: return "cluster_df"
        case .family, .stream, .memory: return nil
        case .resample: return "rank.resample"
        case .kind: return "report.funnel.kind"
        case .measure, .measureWeight, .per, .force, .expect: return nil
        }
    }
}
