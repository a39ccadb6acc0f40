import Foundation
import HISPay
import NIOCore

/// Why a server could not listen, in one line of ours naming the address — never NIO's description
/// (`bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`).
enum ListenFailure {
    /// The refusal for `error` when it is a failure to listen on `addresses`; nil for any other error.
    static func error(_ error: any Error, addresses: [String]) -> CLIError? {
        let listed = addresses.joined(separator: " or ")
        if let error = error as? IOError {
            return CLIError(error.errnoCode == EADDRINUSE ? "cannot listen: \(listed) is already in use" : "cannot listen on \(listed): \(FileFailure.reason(errno: error.errnoCode))")
        }
        if error is SocketAddressError { return CLIError("cannot listen on \(listed): not an address of this machine") }
        return nil
    }
}
