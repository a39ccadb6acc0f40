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

    /// A 64-bit hash for ``KeyTable``: FNV-1a over the channel and number bytes, then the
    /// finalizer of MurmurHash3, whose every output bit depends on every input bit — linear probing
    /// needs its low bits well spread.
    var hash64: UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(kind.rawValue) ^ (UInt64(bitPattern: amount) &* 0x9E37_79B9_7F4A_7C15)
        for byte in channel.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3  // between the channel and the number: no byte of text is 0xFF
        for byte in number.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }
}
