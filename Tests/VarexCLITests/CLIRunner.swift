import Foundation
import Testing
import Varex

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

    /// The flags whose value is a file Varex writes; every other path argument is an input.
    static let outputFlags: Set<String> = ["--out", "--residuals", "--json", "--xlsx", "--html", "--sensitivity-out", "--peers-out", "--report"]

    /// The bytes of every input of a run: each existing file named on the command line (not as
    /// an output), every file of a folder named (a fixture), and every file under fixtures/.
    static func inputs(of arguments: [String], in directory: String?) -> [String: Data] {
        var files: [String: Data] = [:]
        func add(_ path: String) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
            if isDirectory.boolValue {
                for name in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] { add(path + "/" + name) }
            } else if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular, let data = FileManager.default.contents(atPath: path) {
                files[URL(fileURLWithPath: path).standardized.path] = data
            }
        }
        for (k, a) in arguments.enumerated() where !a.hasPrefix("-") && !(k > 0 && outputFlags.contains(arguments[k - 1])) {
            add(a.hasPrefix("/") || directory == nil ? a : directory! + "/" + a)
        }
        add(repository + "/fixtures")
        return files
    }

    /// Runs the binary. Every input file must be byte-for-byte the same afterwards: a run that
    /// changes one is a failed test, whatever the test itself checks.
    @discardableResult
    /// `executable` runs another program (a shell, to redirect or substitute) with `arguments`;
    /// `environment` adds to (or replaces) variables of this process's environment for the child.
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: String? = nil, executable: String? = nil,
                    environment: [String: String] = [:]) throws -> CLIResult {
        let before = inputs(of: arguments.filter { $0 != binary }, in: directory)
        defer {
            for (path, data) in before where FileManager.default.contents(atPath: path) != data {
                Issue.record("varex \(arguments.joined(separator: " ")) changed its input \(path)")
            }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? binary)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Both pipes drained at once (a child filling one while we wait on the other would
        // block), each read retried on EINTR (FileHandle.readDataToEndOfFile traps on it when a
        // signal from another test's child arrives mid-read).
        var o = Data(), e = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { o = Self.drain(out.fileHandleForReading.fileDescriptor) }
        e = Self.drain(err.fileHandleForReading.fileDescriptor)
        group.wait()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Everything readable from `fd` until end of file, retrying reads interrupted by a signal.
    static func drain(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            return data
        }
    }

    /// A fresh temporary directory.
    /// Runs `arguments` twice, writing `--out` to a file in `directory` each time: on every core,
    /// and pinned to one by taskset (util-linux). A seeded command must give the same bytes.
    /// Returns both runs and the every-core run's output file.
    static func onAllCoresAndOne(_ arguments: [String], in directory: String) throws -> (all: CLIResult, one: CLIResult, same: Bool, out: String) {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "taskset is missing: the one-core run cannot be checked")
        let all = try run(arguments + ["--out", directory + "/all.csv"])
        let one = try run(["-c", "0", binary] + arguments + ["--out", directory + "/one.csv"], executable: "/usr/bin/taskset")
        let a = FileManager.default.contents(atPath: directory + "/all.csv"), b = FileManager.default.contents(atPath: directory + "/one.csv")
        return (all, one, a != nil && a == b, directory + "/all.csv")
    }

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

extension CLI {
    /// A CSV's rows as dictionaries by column name.
    static func records(_ path: String) throws -> [[String: String]] {
        let t = try CSVReader.read(path: path)
        return t.rows.map { Dictionary(uniqueKeysWithValues: zip(t.header, $0)) }
    }

    /// `got` equals `want` to `rel` relative or `abs` absolute error.
    static func close(_ got: Double, _ want: Double, rel: Double, abs a: Double = 0) -> Bool {
        got == want || Swift.abs(got - want) <= rel * Swift.abs(want) || Swift.abs(got - want) <= a
    }

    /// Opens `page` in headless Chromium, runs its scripts and returns the live DOM and the
    /// console messages (Chromium's verbose log goes to files: it would fill a pipe and block).
    static func chromiumDOM(_ chromium: String, page: String, dir: String, extra: [String] = []) throws -> (dom: String, console: [Substring]) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=1",
                       "--user-data-dir=\(dir)/profile"] + extra + ["--dump-dom", "file://\(page)"]
        FileManager.default.createFile(atPath: dir + "/dom.html", contents: nil)
        FileManager.default.createFile(atPath: dir + "/chromium.log", contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/dom.html"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/chromium.log"))
        try p.run()
        p.waitUntilExit()
        let dom = try String(contentsOfFile: dir + "/dom.html", encoding: .utf8)
        let log = try String(contentsOfFile: dir + "/chromium.log", encoding: .utf8)
        return (dom, log.split(separator: "\n").filter { $0.contains("CONSOLE") })
    }

    /// What a reader sees of `page` at `width` CSS pixels: the page in an iframe of that width
    /// (844 px high) inside a probe page, measured once its scripts have run — the page's own
    /// width, where its first screen starts, the first screen's text, every axis title, the
    /// waterfall's tick labels, the short table's headings and columns, the notes' text and the
    /// visible text — and the console messages.
    static func chromiumProbe(_ chromium: String, page: String, width: Int, dir: String) throws -> (probe: [String: Any], console: [Substring]) {
        let probe = """
            <!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="file://\(page)" width="\(width)" height="844" style="border:0"></iframe>
            <script>
            document.getElementById('f').addEventListener('load',function(){
              var d=this.contentDocument;
              function all(sel){return Array.prototype.slice.call(d.querySelectorAll(sel));}
              function text(sel){var e=d.querySelector(sel);return e?e.innerText:'';}
              function top(sel){var e=d.querySelector(sel);return e?e.getBoundingClientRect().top:-1;}
              var rows=all('#short-table tbody tr');
              var out={scrollWidth:d.documentElement.scrollWidth,findingsTop:top('#findings'),chartTop:top('#findings svg'),
                findings:text('#findings'),axes:all('.axis').map(function(e){return e.textContent;}),
                waterfallTicks:all('#waterfall-chart .tick').map(function(e){return e.textContent;}),
                shortHeadings:all('#short-table thead th').map(function(e){return e.innerText.replace(/\\s+/g,' ');}),
                shortRanks:rows.map(function(r){return r.cells[0].innerText;}),shortNames:rows.map(function(r){return r.cells[1].innerText;}),
                shortFirstRow:rows.length?Array.prototype.slice.call(rows[0].cells).map(function(c){return c.innerText;}):[],
                notes:text('#notes'),visibleText:d.body.innerText};
              var pre=document.createElement('pre');pre.id='probe';pre.textContent=JSON.stringify(out);document.body.appendChild(pre);
            });
            </script></body></html>
            """
        let probePath = dir + "/probe-\(width).html"
        try probe.write(toFile: probePath, atomically: true, encoding: .utf8)
        let (dom, console) = try chromiumDOM(chromium, page: probePath, dir: dir, extra: ["--allow-file-access-from-files", "--window-size=1400,900"])
        guard let start = dom.range(of: "<pre id=\"probe\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "the probe did not run: \(console)"])
        }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return (object.mapValues { ($0 as? NSNumber).map { $0.doubleValue as Any } ?? $0 }, console)
    }

    /// A screenshot of `page` `width` CSS pixels wide (Chromium's window is at least 500 px: a
    /// narrower page is shown in a frame of its width at the window's left) and 900 high.
    static func chromiumScreenshot(_ chromium: String, page: String, width: Int, to png: String) throws {
        var target = page
        if width < 500 {
            target = png + ".html"
            try "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"file://\(page)\" width=\"\(width)\" height=\"900\" style=\"border:0\"></iframe></body></html>"
                .write(toFile: target, atomically: true, encoding: .utf8)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files",
                       "--user-data-dir=\(png).profile", "--window-size=\(max(width, 500)),900", "--screenshot=\(png)", "file://\(target)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
    }

    /// Copies screenshots to `VAREX_SCREENSHOTS`, when set, for a person to look at.
    static func keepScreenshots(dir: String, names: [String]) throws {
        guard let keep = ProcessInfo.processInfo.environment["VAREX_SCREENSHOTS"] else { return }
        try FileManager.default.createDirectory(atPath: keep, withIntermediateDirectories: true)
        for name in names {
            let to = keep + "/" + name
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: dir + "/" + name, toPath: to)
        }
    }
}
