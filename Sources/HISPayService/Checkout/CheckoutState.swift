import Foundation
import HISPayCore
import HISPayStore
import MedicalInsurance

/// Where a checkout (``CombinedCheckout`` or ``MobilePayCheckout``) stands.
public enum CheckoutState: Sendable, Hashable {
    case completed(settlementID: String, cash: Amount)
    case awaitingCash(PayerAction?)
    case rolledBack(String)
    /// An answer is missing (timeout): run again later.
    case unresolved(String)
    /// A completed checkout was refunded on both legs.
    case refunded(cash: Amount)
}
