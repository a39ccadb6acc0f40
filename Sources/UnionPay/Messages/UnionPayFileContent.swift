import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto

/// The file transfer answer's `fileContent`: Base64 of zlib-wrapped DEFLATE of a zip archive.
package enum UnionPayFileContent {
    /// The zip bytes; throws `ChannelError/Code/invalidResponse` naming the failing layer.
    package static func decode(_ text: String) throws(ChannelError) -> Data {
        let compressed: [UInt8]
        do { compressed = try Base64.decode(text) } catch {
            throw ChannelError(.invalidResponse, channel: .unionPay, operation: .statement, reason: "fileContent is not base64")
        }
        do { return try Zlib.decompress(Data(compressed)) } catch {
            throw ChannelError(.invalidResponse, channel: .unionPay, operation: .statement, reason: "fileContent: \(error)")
        }
    }

    /// The inverse, for tests and the simulator.
    package static func encode(_ zip: Data) throws -> String {
        Base64.encode(try Zlib.compress(zip))
    }
}
