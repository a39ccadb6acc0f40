/// The algorithm family of a key.
public struct KeyAlgorithm: Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let rsa = KeyAlgorithm("RSA")
    public static let sm2 = KeyAlgorithm("SM2")
    public static let ec = KeyAlgorithm("EC")
    public static let other = KeyAlgorithm("other")
}
