import Foundation

/// Writes one JSON document to stdout (sorted keys, readable).
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        FileHandle.standardOutput.write(try encoder.encode(value))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// JSON-lines records written through one encoder and a 64 KiB buffer: a batch of thousands of
    /// records took a new encoder and a write to stdout each, a third of `notify verify --batch`.
    final class Lines {
        private let encoder = JSONEncoder()
        private var pending = Data()

        init() { encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes] }

        func write(_ value: some Encodable) throws {
            pending.append(try encoder.encode(value))
            pending.append(UInt8(ascii: "\n"))
            if pending.count >= 1 << 16 { flush() }
        }

        func flush() {
            guard !pending.isEmpty else { return }
            FileHandle.standardOutput.write(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }
}
