import Foundation

/// Runs the built `varex` binary (next to the test bundle) and captures what it does.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized.path

    /// The `varex` executable: VAREX_BIN, or the one built beside this test bundle.
    static var binary: String {
        if let env = ProcessInfo.processInfo.environment["VAREX_BIN"] { return env }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("varex").path
    }

    static func fixture(_ relative: String) -> String { repository + "/fixtures/" + relative }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: String? = nil) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("varex-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes `contents` to a file in `dir` and returns its path.
    static func write(_ contents: [UInt8], named name: String, in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(contents).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func write(_ contents: String, named name: String, in dir: String) throws -> String {
        try? FileManager.default.createDirectory(atPath: (dir + "/" + name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return try write(Array(contents.utf8), named: name, in: dir)
    }
}
