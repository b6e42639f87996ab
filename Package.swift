// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Varex",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Varex", targets: ["Varex"]),
        .library(name: "VarexAnalysis", targets: ["VarexAnalysis"]),
        .library(name: "VarexLinearAlgebra", targets: ["VarexLinearAlgebra"]),
        .library(name: "VarexLinearProgramming", targets: ["VarexLinearProgramming"]),
        .executable(name: "varex", targets: ["VarexCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Spec files (YAML, with line numbers for errors), data checksums, XLSX (ZIP + XML).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        // Property tests: random bytes and formulas never crash the reader or the parser.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // LAPACK and BLAS from Debian's liblapack-dev / libopenblas-dev (OpenBLAS at run time).
        .systemLibrary(
            name: "CLAPACK",
            pkgConfig: "lapack",
            providers: [.apt(["liblapack-dev", "libopenblas-dev", "pkg-config"])]
        ),
        // zlib from Debian's zlib1g-dev: gzip-compressed CSV input.
        .systemLibrary(name: "CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's <malloc.h> (part of libc): one malloc arena for a fit read in blocks.
        .systemLibrary(name: "CMalloc"),
        // COIN-OR Clp from Debian's coinor-libclp-dev: the simplex behind DEA.
        .systemLibrary(name: "CClp", pkgConfig: "clp", providers: [.apt(["coinor-libclp-dev"])]),
        // The only module that calls an LP solver. Knows nothing of statistics.
        .target(name: "VarexLinearProgramming", dependencies: ["CClp"], exclude: ["README.md"]),
        // The only module that calls LAPACK. Knows nothing of statistics.
        .target(name: "VarexLinearAlgebra", dependencies: ["CLAPACK"], exclude: ["README.md"]),
        // The statistics that compute: data, formulas, fits, inference, diagnostics, explain,
        // compare. Typed results only: it cannot see an analysis run, a spec or a writer.
        .target(name: "Varex", dependencies: ["VarexLinearAlgebra", "VarexLinearProgramming", "CGzip"], exclude: ["README.md"]),
        // Analyses over the computing library: one model run, specs, snapshot/verify, and the
        // writers (text, CSV, JSON, XLSX, HTML) that take its typed results.
        .target(
            name: "VarexAnalysis",
            dependencies: [
                "Varex",
                "VarexLinearAlgebra",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            exclude: ["README.md"]
        ),
        // The command-line tool, thin over the library.
        .executableTarget(
            name: "VarexCLI",
            dependencies: ["Varex", "VarexAnalysis", "CMalloc", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]
        ),
        // Benchmark (b): a large synthetic fit through the library API.
        .executableTarget(name: "varex-bench", dependencies: ["Varex", "VarexAnalysis", "VarexLinearAlgebra"]),
        .testTarget(name: "VarexLinearAlgebraTests", dependencies: ["VarexLinearAlgebra", "VarexLinearProgramming"]),
        .testTarget(name: "VarexTests", dependencies: ["Varex", "VarexAnalysis", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "VarexCLITests", dependencies: ["Varex", "VarexAnalysis", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    ],
    swiftLanguageModes: [.v5]
)

// Fuzz targets (libFuzzer), only when scripts/fuzz.sh builds them: VAREX_FUZZ=1 with
// -sanitize=fuzzer,address for every module, in a scratch path of their own.
if Context.environment["VAREX_FUZZ"] != nil {
    let fuzzFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]
    package.targets += [
        .executableTarget(name: "varex-fuzz-csv", dependencies: ["Varex"], path: "Fuzz/CSV", swiftSettings: fuzzFlags),
        .executableTarget(name: "varex-fuzz-formula", dependencies: ["Varex"], path: "Fuzz/Formula", swiftSettings: fuzzFlags),
    ]
}
