import HISPayCore

/// Checks that a platform input carries every field its interface marks required (`Y` in the field
/// tables public hospital-side code copies from the national specification), before it is sent.
enum RequiredFields {
    /// Throws ``ChannelError/Code/invalidRequest`` naming the first of `fields` that is empty, as
    /// `infno field` — the name, never the value (it may be an ID number).
    static func check(_ infno: String, _ fields: KeyValuePairs<String, String>) throws(ChannelError) {
        if let missing = fields.first(where: { $0.value.isEmpty }) {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "\(infno) requires \(missing.key)")
        }
    }
}
