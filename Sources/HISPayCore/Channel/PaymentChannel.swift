import Foundation

/// One payment channel behind one protocol (DESIGN decision 1). Its callbacks are verified as a
/// ``CallbackVerifier`` (``CallbackVerifier/id`` names the channel).
///
/// Every operation is async and reports one of four ``Outcome``s; errors (``ChannelError``) mean
/// the call could not be made or its answer could not be trusted. A channel states what it
/// supports in ``capabilities``; the default implementations of the optional operations throw
/// ``ChannelError/Code/unsupportedOperation``. Channel-specific power stays on the concrete type.
public protocol PaymentChannel: CallbackVerifier {
    /// What this channel supports.
    var capabilities: ChannelCapabilities { get }

    /// Takes a payment in the request's scene. Barcode payments that need the payer's password
    /// come back ``Outcome/pending(_:_:)``; QR, JSAPI, H5 and app payments come back pending with
    /// the ``PayerAction`` to present.
    func pay(_ request: PayRequest) async throws -> Outcome<Payment>
    /// Asks the channel for an order's state.
    func query(_ order: OrderReference) async throws -> Outcome<Payment>
    /// Closes an unpaid order so it can no longer be paid.
    func close(_ order: OrderReference) async throws -> Outcome<Reversal>
    /// Cancels or reverses an order (refunding it if it was paid), e.g. after a barcode timeout.
    func reverse(_ order: OrderReference) async throws -> Outcome<Reversal>
    /// Refunds part or all of a paid order.
    func refund(_ request: RefundRequest) async throws -> Outcome<Refund>
    /// Asks for a refund's state.
    func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund>
    /// Downloads the statement for a business day.
    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile
    /// Pre-authorisation: freezes funds.
    func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization>
    /// Pre-authorisation: captures part or all of the frozen funds.
    func capture(_ request: CaptureRequest) async throws -> Outcome<Payment>
    /// Pre-authorisation: releases what remains frozen.
    func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization>
}

extension PaymentChannel {
    public func close(_ order: OrderReference) async throws -> Outcome<Reversal> {
        throw ChannelError.unsupported(.close, on: id)
    }

    public func reverse(_ order: OrderReference) async throws -> Outcome<Reversal> {
        throw ChannelError.unsupported(.reverse, on: id)
    }

    public func refund(_ request: RefundRequest) async throws -> Outcome<Refund> {
        throw ChannelError.unsupported(.refund, on: id)
    }

    public func queryRefund(_ refund: RefundReference) async throws -> Outcome<Refund> {
        throw ChannelError.unsupported(.refundQuery, on: id)
    }

    public func verifyCallback(_ request: CallbackRequest) async throws -> VerifiedCallback {
        throw ChannelError.unsupported(.callback, on: id)
    }

    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        throw ChannelError.unsupported(.statement, on: id)
    }

    public func freeze(_ request: FreezeRequest) async throws -> Outcome<Authorization> {
        throw ChannelError.unsupported(.freeze, on: id)
    }

    public func capture(_ request: CaptureRequest) async throws -> Outcome<Payment> {
        throw ChannelError.unsupported(.capture, on: id)
    }

    public func release(_ request: ReleaseRequest) async throws -> Outcome<Authorization> {
        throw ChannelError.unsupported(.release, on: id)
    }
}
