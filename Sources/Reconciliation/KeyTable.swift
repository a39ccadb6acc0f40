/// The HIS rows of one run by ``MatchKey``: the key of row `i` is `keys[i]`. Open addressing with
/// linear probing over a power-of-two array of slots, each holding the upper half of the key's hash
/// and the row's index, so most probes that miss never touch the key. It replaced a
/// `Dictionary<MatchKey, Int>`, whose SipHash with a fresh seed per look-up, probing and growth were
/// over half of reconciling a million-row day (perf: `_RawDictionaryStorage.find`, `Hasher`).
struct KeyTable {
    private(set) var keys: [MatchKey] = []
    private var hashes: [UInt64] = []
    /// 0: empty; otherwise `(hash & 0xFFFF_FFFF_0000_0000) | (index + 1)`.
    private var slots = [UInt64](repeating: 0, count: 1024)

    var count: Int { keys.count }

    /// The index of the row with `key`, if any.
    func index(of key: MatchKey) -> Int? {
        let hash = key.hash64
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if entry >> 32 == hash >> 32 {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if keys[index] == key { return index }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `key` as row `count`; if a row already has it, returns that row's index and adds nothing.
    mutating func insert(_ key: MatchKey) -> Int? {
        let hash = key.hash64
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let entry = slots[slot]
            if entry >> 32 == hash >> 32 {
                let index = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if keys[index] == key { return index }
            }
            slot = (slot + 1) & mask
        }
        precondition(keys.count < Int(UInt32.max), "more than 4 billion ledger rows in one run")
        keys.append(key)
        hashes.append(hash)
        slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(keys.count)
        if keys.count * 2 > slots.count { grow() }
        return nil
    }

    /// Doubles the slots (at most half are used) and places every key again from its kept hash.
    private mutating func grow() {
        var larger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(index + 1)
        }
        slots = larger
    }
}
