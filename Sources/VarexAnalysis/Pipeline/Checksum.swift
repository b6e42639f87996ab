import Varex
import Crypto

/// SHA-256 of files, as lower-case hex (swift-crypto).
public enum Checksum {
    public static func sha256(path: String) throws -> String {
        sha256(bytes: try FileBytes.read(path: path))
    }

    public static func sha256(bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let h = String(byte, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }
}
