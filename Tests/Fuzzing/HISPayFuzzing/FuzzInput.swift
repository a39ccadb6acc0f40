import Foundation

/// Splits a fuzz input into a mode byte (which variant of a target to exercise) and the rest, so one
/// target can reach a parser both raw and behind a valid signature the harness adds.
struct FuzzInput {
    let mode: UInt8
    let payload: Data

    init(_ data: Data) {
        mode = data.first ?? 0
        payload = Data(data.dropFirst())  // indices from 0, as a received body has
    }
}
