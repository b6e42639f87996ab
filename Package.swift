// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Varex",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Varex", targets: ["Varex"]),
        .library(name: "VarexLinearAlgebra", targets: ["VarexLinearAlgebra"]),
        .executable(name: "varex", targets: ["VarexCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // LAPACK and BLAS from Debian's liblapack-dev / libopenblas-dev (OpenBLAS at run time).
        .systemLibrary(
            name: "CLAPACK",
            pkgConfig: "lapack",
            providers: [.apt(["liblapack-dev", "libopenblas-dev", "pkg-config"])]
        ),
        // The only module that calls LAPACK. Knows nothing of statistics.
        .target(name: "VarexLinearAlgebra", dependencies: ["CLAPACK"], exclude: ["README.md"]),
        // The statistics library: data, formulas, fits, inference, diagnostics, output.
        .target(name: "Varex", dependencies: ["VarexLinearAlgebra"], exclude: ["README.md"]),
        // The command-line tool, thin over the library.
        .executableTarget(
            name: "VarexCLI",
            dependencies: ["Varex", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["README.md"]
        ),
        // Benchmark (b): a large synthetic fit through the library API.
        .executableTarget(name: "varex-bench", dependencies: ["Varex", "VarexLinearAlgebra"]),
        .testTarget(name: "VarexLinearAlgebraTests", dependencies: ["VarexLinearAlgebra"]),
        .testTarget(name: "VarexTests", dependencies: ["Varex"]),
        .testTarget(name: "VarexCLITests", dependencies: ["Varex"]),
    ],
    swiftLanguageModes: [.v5]
)
