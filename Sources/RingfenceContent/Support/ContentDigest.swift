import Crypto

/// SHA-256 digests of content, as hex: what the quarantine list and reports
/// use to name an update unambiguously.
public enum ContentDigest {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
