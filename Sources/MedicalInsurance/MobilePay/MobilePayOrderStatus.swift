/// A mobile-payment order's status (`ordStas`, answered by 6301 and sent in notifications), as
/// the centre's published code list and the implementations we read use it.
public struct MobilePayOrderStatus: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let saved = Self(rawValue: "0")
    public static let preSettled = Self(rawValue: "1")
    public static let settling = Self(rawValue: "2")
    public static let cashPaid = Self(rawValue: "3")
    public static let insurancePaid = Self(rawValue: "4")
    public static let hospitalSettled = Self(rawValue: "5")
    public static let settled = Self(rawValue: "6")
    public static let refunded = Self(rawValue: "7")
    public static let insuranceRefunded = Self(rawValue: "8")
    public static let cancelled = Self(rawValue: "12")
    public static let insuranceCancelled = Self(rawValue: "13")
    public static let failed = Self(rawValue: "15")

    /// The insurance part is paid (4, 5, 6).
    public var isInsurancePaid: Bool { [Self.insurancePaid, .hospitalSettled, .settled].contains(self) }
    /// Nothing is paid yet and the order can still be paid (0, 1).
    public var isUnpaid: Bool { [Self.saved, .preSettled].contains(self) }
    /// Nothing remains booked: refunded, cancelled or failed (7, 8, 12, 13, 15).
    public var isClosed: Bool { [Self.refunded, .insuranceRefunded, .cancelled, .insuranceCancelled, .failed].contains(self) }
}
