import Crypto

/// SHA-256 of files, as lower-case hex (swift-crypto).
public enum Checksum {
    public static func sha256(path: String) throws -> String {
        let bytes = try FileBytes.read(path: path)
        return SHA256.hash(data: bytes).map { byte in
            let h = String(byte, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }
}
