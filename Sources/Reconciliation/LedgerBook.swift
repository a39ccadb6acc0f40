import Foundation
import HISPayCore

/// The HIS rows of one run, packed into 4 MiB chunks of bytes and found by key through an
/// open-addressing table.
///
/// A row is addressed by where it starts (chunk × 2²² + offset) and laid out as: amount (8 bytes),
/// time (8, the `Date`'s bits), channel (2, an index into ``channels``), kind (1, into ``kinds``),
/// match kind (1), flags (1), then length-prefixed text: the number it is matched on, the order
/// number unless it is that number, the refund number, the settlement, the status unless `success`,
/// the partner. About 45 bytes for a usual row, against some 250 as a `LedgerRecord` in an array
/// with a `MatchKey` in a table — which put a 10-million-row day at 3.1 GB. Chunks are never
/// copied as the book grows, so its peak is what it holds.
///
/// The table's slots hold the upper half of the key's hash, which also gives the slot, and the
/// row's address (+1; 0 is empty), at most three quarters full: most probes that miss never read a
/// row, and growing reads none. The hash is FNV-1a over
/// the channel, match kind and number, then MurmurHash3's finalizer, whose every output bit depends
/// on every input bit — linear probing needs the low bits spread. (A `Dictionary<MatchKey, Int>`,
/// with SipHash and a fresh seed per look-up, was half of reconciling a million-row day.)
final class LedgerBook {
    typealias Address = UInt32

    private static let chunkBits = 22
    private static let chunkSize = 1 << chunkBits
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    /// Bytes used in the last chunk, and in each full one.
    private var used = chunkSize
    private var fullChunkEnds: [Int] = []
    private var slots = [UInt64](repeating: 0, count: 1 << 12)
    private(set) var count = 0
    private(set) var channels: [ChannelID] = []
    private var channelIndex: [ChannelID: UInt16] = [:]
    private(set) var kinds: [StatementRecord.Kind] = []
    private var kindIndex: [StatementRecord.Kind: UInt8] = [:]

    private enum Flag: UInt8 {
        case carried = 1, settled = 2, booked = 4, numberIsOrder = 8, succeeded = 16
    }

    private static let header = 21
    private static let absent = UInt16.max

    deinit { for chunk in chunks { chunk.deallocate() } }

    // MARK: Adding

    /// Adds `row` under `key` and returns its address — or, if a row already has that key, adds
    /// nothing and returns nil.
    func insert(_ row: LedgerRecord, key: MatchKey, carried: Bool) throws -> Address? {
        let channel = try intern(row.channel)
        let hash = Self.hash(channel, key.kind, key.number)
        let slot = probe(hash) { self.matches($0, channel, key.kind, key.number) }
        guard slots[slot] == 0 else { return nil }
        let address = try append(row, key: key, channel: channel, carried: carried)
        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(address + 1)
        count += 1
        if count * 4 > slots.count * 3 { grow() }
        return address
    }

    /// The last channel and kind looked up: rows of one come together, and comparing short strings
    /// is cheaper than hashing them.
    private var lastChannel: (ChannelID, UInt16)?
    private var lastKind: (StatementRecord.Kind, UInt8)?

    /// The index of `channel` if a row has it; the last channel looked up is answered without hashing.
    private func known(_ channel: ChannelID) -> UInt16? {
        if let (last, index) = lastChannel, last == channel { return index }
        guard let index = channelIndex[channel] else { return nil }
        lastChannel = (channel, index)
        return index
    }

    private func intern(_ channel: ChannelID) throws -> UInt16 {
        if let index = known(channel) { return index }
        guard channels.count < Int(Self.absent) else { throw ReconciliationError(.malformedLedger, "the ledger names more than 65,534 channels") }
        channels.append(channel)
        channelIndex[channel] = UInt16(channels.count - 1)
        return UInt16(channels.count - 1)
    }

    private func append(_ row: LedgerRecord, key: MatchKey, channel: UInt16, carried: Bool) throws -> Address {
        let kind: UInt8
        if let (last, index) = lastKind, last == row.kind {
            kind = index
        } else if let known = kindIndex[row.kind] {
            kind = known
            lastKind = (row.kind, known)
        } else {
            guard kinds.count < 255 else { throw ReconciliationError(.malformedLedger, "the ledger holds more than 255 kinds of row") }
            kinds.append(row.kind)
            kind = UInt8(kinds.count - 1)
            kindIndex[row.kind] = kind
        }
        let numberIsOrder = key.number == row.outTradeNo
        let succeeded = row.status == "success"
        let (order, status) = (numberIsOrder ? nil : row.outTradeNo, succeeded ? nil : row.status)
        let size = Self.header + 12 + key.number.utf8.count + (order?.utf8.count ?? 0) + (row.outRefundNo?.utf8.count ?? 0)
            + (row.settlementID?.utf8.count ?? 0) + (status?.utf8.count ?? 0) + (row.partner?.utf8.count ?? 0)
        guard size < Int(Self.absent) else { throw ReconciliationError(.malformedLedger, "a ledger row of order \(row.outTradeNo) is over 64 KiB") }
        if used + size > Self.chunkSize {
            guard chunks.count < 1 << (32 - Self.chunkBits) else {
                throw ReconciliationError(.malformedLedger, "the ledger is over 4 GiB packed: reconcile the channels in separate runs")
            }
            if !chunks.isEmpty { fullChunkEnds.append(used) }
            chunks.append(UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 8))
            used = 0
        }
        let address = Address((chunks.count - 1) << Self.chunkBits | used)
        let base = chunks[chunks.count - 1].baseAddress! + used
        base.storeBytes(of: row.amount.fen, as: Int64.self)
        base.storeBytes(of: row.time.timeIntervalSinceReferenceDate.bitPattern, toByteOffset: 8, as: UInt64.self)
        base.storeBytes(of: channel, toByteOffset: 16, as: UInt16.self)
        base.storeBytes(of: kind, toByteOffset: 18, as: UInt8.self)
        base.storeBytes(of: key.kind.rawValue, toByteOffset: 19, as: UInt8.self)
        var flags: UInt8 = 0
        if carried { flags |= Flag.carried.rawValue }
        if row.isBooked { flags |= Flag.booked.rawValue }
        if numberIsOrder { flags |= Flag.numberIsOrder.rawValue }
        if succeeded { flags |= Flag.succeeded.rawValue }
        base.storeBytes(of: flags, toByteOffset: 20, as: UInt8.self)
        var offset = Self.header
        func put(_ text: String?) {
            guard var text else {
                base.storeBytes(of: Self.absent, toByteOffset: offset, as: UInt16.self)
                offset += 2
                return
            }
            offset += text.withUTF8 { bytes in
                base.storeBytes(of: UInt16(bytes.count), toByteOffset: offset, as: UInt16.self)
                if let source = bytes.baseAddress { (base + offset + 2).copyMemory(from: source, byteCount: bytes.count) }
                return 2 + bytes.count
            }
        }
        put(key.number)
        put(order)
        put(row.outRefundNo)
        put(row.settlementID)
        put(status)
        put(row.partner)
        used += (size + 7) & ~7
        return address
    }

    // MARK: Finding

    /// The address of the row with `key`, if any.
    func find(_ key: MatchKey) -> Address? {
        guard let channel = known(key.channel) else { return nil }
        let slot = probe(Self.hash(channel, key.kind, key.number)) { self.matches($0, channel, key.kind, key.number) }
        return slots[slot] == 0 ? nil : Address(truncatingIfNeeded: slots[slot] & 0xFFFF_FFFF) - 1
    }

    /// The slot holding a row `isKey` accepts, or the empty slot where it would go.
    private func probe(_ hash: UInt64, _ isKey: (Address) -> Bool) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash >> 32) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return slot }
            if entry >> 32 == hash >> 32, isKey(Address(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1) { return slot }
            slot = (slot + 1) & mask
        }
    }

    private func matches(_ address: Address, _ channel: UInt16, _ kind: MatchKey.Kind, _ number: String) -> Bool {
        let base = pointer(address)
        guard base.loadUnaligned(fromByteOffset: 16, as: UInt16.self) == channel, base.loadUnaligned(fromByteOffset: 19, as: UInt8.self) == kind.rawValue else { return false }
        let stored = UnsafeRawBufferPointer(start: base + Self.header + 2, count: Int(base.loadUnaligned(fromByteOffset: Self.header, as: UInt16.self)))
        var number = number
        return number.withUTF8 { $0.count == stored.count && ($0.isEmpty || memcmp($0.baseAddress!, stored.baseAddress!, $0.count) == 0) }
    }

    private static func hash(_ channel: UInt16, _ kind: MatchKey.Kind, _ number: String) -> UInt64 {
        var number = number
        return number.withUTF8 { hash(channel, kind.rawValue, UnsafeRawBufferPointer($0)) }
    }

    private static func hash(_ channel: UInt16, _ kind: UInt8, _ number: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ (UInt64(channel) << 8 | UInt64(kind))
        for byte in number { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 33)
    }

    /// Doubles the slots, placing every row again by the half of its hash its slot keeps (the
    /// position is taken from that half, so no row is read).
    private func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for entry in slots where entry != 0 {
            var slot = Int(truncatingIfNeeded: entry >> 32) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = entry
        }
        slots = larger
    }

    // MARK: Reading

    private func pointer(_ address: Address) -> UnsafeMutableRawPointer {
        chunks[Int(address) >> Self.chunkBits].baseAddress! + Int(address) & (Self.chunkSize - 1)
    }

    /// The `index`th text of the row at `base` (0: number, 1: order, 2: refund, 3: settlement, 4: status, 5: partner).
    private func text(_ base: UnsafeMutableRawPointer, _ index: Int) -> UnsafeRawBufferPointer? {
        var offset = Self.header
        for _ in 0..<index { offset += 2 + Int(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self) == Self.absent ? 0 : base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
        let length = base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return length == Self.absent ? nil : UnsafeRawBufferPointer(start: base + offset + 2, count: Int(length))
    }

    private func string(_ base: UnsafeMutableRawPointer, _ index: Int) -> String? { text(base, index).map { String(decoding: $0, as: UTF8.self) } }

    private func flags(_ address: Address) -> UInt8 { pointer(address).loadUnaligned(fromByteOffset: 20, as: UInt8.self) }

    func amount(_ address: Address) -> Amount { Amount(fen: pointer(address).loadUnaligned(as: Int64.self)) }
    func isSettled(_ address: Address) -> Bool { flags(address) & Flag.settled.rawValue != 0 }
    func isBooked(_ address: Address) -> Bool { flags(address) & Flag.booked.rawValue != 0 }
    func isCarried(_ address: Address) -> Bool { flags(address) & Flag.carried.rawValue != 0 }
    func settlementID(_ address: Address) -> String? { string(pointer(address), 3) }

    /// Marks the row as taken by a statement row.
    func settle(_ address: Address) {
        let base = pointer(address)
        base.storeBytes(of: base.loadUnaligned(fromByteOffset: 20, as: UInt8.self) | Flag.settled.rawValue, toByteOffset: 20, as: UInt8.self)
    }

    /// The row as it was booked.
    func record(_ address: Address) -> LedgerRecord {
        let base = pointer(address)
        let flags = base.loadUnaligned(fromByteOffset: 20, as: UInt8.self)
        let number = string(base, 0) ?? ""
        return LedgerRecord(
            channel: channels[Int(base.loadUnaligned(fromByteOffset: 16, as: UInt16.self))], kind: kinds[Int(base.loadUnaligned(fromByteOffset: 18, as: UInt8.self))],
            outTradeNo: flags & Flag.numberIsOrder.rawValue != 0 ? number : string(base, 1) ?? "", outRefundNo: string(base, 2), amount: amount(address),
            time: Date(timeIntervalSinceReferenceDate: Double(bitPattern: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))), settlementID: string(base, 3),
            status: flags & Flag.succeeded.rawValue != 0 ? "success" : string(base, 4) ?? "", partner: string(base, 5))
    }

    /// Every row's address, in booking order.
    var addresses: [Address] {
        var result: [Address] = []
        result.reserveCapacity(count)
        for (index, chunk) in chunks.enumerated() {
            let end = index == chunks.count - 1 ? used : fullChunkEnds[index]
            var offset = 0
            while offset < end {
                let address = Address(index << Self.chunkBits | offset)
                result.append(address)
                var size = Self.header
                let base = chunk.baseAddress! + offset
                for _ in 0..<6 {
                    let length = base.loadUnaligned(fromByteOffset: size, as: UInt16.self)
                    size += 2 + (length == Self.absent ? 0 : Int(length))
                }
                offset += (size + 7) & ~7
            }
        }
        return result
    }
}
