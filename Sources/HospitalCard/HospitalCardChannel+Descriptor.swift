import HISPayCore

extension HospitalCardChannel {
    /// The card for the channel registry: its `hospitalcard` block holds the card rules
    /// (``HospitalCardSettings``). The channel itself is built on a store — `HospitalCardChannel(ledger:settings:)`,
    /// as `hispay card --store` does — so the registry builds none; the card takes no callbacks (its
    /// top-ups' channels do); its statement is the ledger's day (``CardStatementParser``).
    public static let descriptor = ChannelDescriptor(
        id: .hospitalCard, name: "hospitalcard", summary: "The hospital's prepaid patient card (院内一卡通), on the store's card ledger",
        displayName: LocalizedText(zh: "院内一卡通", en: "Hospital card"),
        makeVerifier: { setup in
            _ = try HospitalCardSettings(block: setup.block)
            return nil
        },
        statementParser: CardStatementParser(), takesCallbacks: false)
}
