/// The result of recording a callback event: the stored event and whether this call stored it
/// (false for a duplicate of an event already recorded — acknowledged again, not delivered again).
public struct EventRecording: Sendable, Hashable {
    public let event: StoredEvent
    public let isNew: Bool

    public init(event: StoredEvent, isNew: Bool) {
        self.event = event
        self.isNew = isNew
    }
}
