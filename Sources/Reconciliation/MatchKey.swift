import HISPayCore

/// What rows are matched on: a payment's order number or a refund's refund number, per channel —
/// or, for a statement refund without a refund number, its order number and amount. A struct rather
/// than a joined string: order numbers up to 15 bytes then need no heap allocation, which kept a
/// million-row ledger above 500 MB.
struct MatchKey: Hashable {
    enum Kind: UInt8 { case payment, refund, refundOfOrder, freeze, release }
    var channel: ChannelID
    var kind: Kind
    var number: String
    var amount: Int64 = 0
}
