/// The HISPay release this build is.
public enum HISPayVersion {
    /// Semantic version, e.g. `0.1.0`.
    public static let string = "0.1.0"
}
