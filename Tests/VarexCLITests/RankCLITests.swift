import Foundation
import Testing

/// `varex rank`: the same seed gives byte-identical output across runs and core counts.
struct RankCLITests {
    static let args = ["rank", CLI.fixture("councils/asc_2018_19.csv"), "--id", "code", "--label", "name",
                       "--formula", "asc_net_spend_per_adult_gbp ~ log(pop_85p/pop_18p) + imd_score + council_type",
                       "--justified", "need=log(pop_85p/pop_18p),imd_score", "--unjustified", "type=council_type",
                       "--bootstrap", "500", "--seed", "42"]

    @Test func byteIdenticalAcrossRunsAndCoreCounts() throws {
        let first = try CLI.run(Self.args)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try CLI.run(Self.args)
        #expect(first.stdout == second.stdout)
        // One core: taskset (util-linux, on every Debian) pins the process and Dispatch's threads to CPU 0.
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "taskset is missing: the one-core run cannot be checked")
        do {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            p.arguments = ["-c", "0", CLI.binary] + Self.args
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            #expect(String(decoding: data, as: UTF8.self) == first.stdout, "one core gives the same bytes")
        }
        let lines = first.stdout.split(separator: "\n")
        #expect(lines[0] == "code,name,unjustified,rank,median_rank,rank_low,rank_high,p_top10,p_bottom10,note")
        #expect(lines.count == 153)
    }
}
