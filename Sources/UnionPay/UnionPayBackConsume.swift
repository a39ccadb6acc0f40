import Foundation
import HISPayCore

/// A back (server-to-server) card consume (后台消费, 01/01 on `backTransReq.do`, bizType 000301 认证支付):
/// the hospital sends the card it was given — at a self-service kiosk or in the hospital's app after the
/// patient confirmed the SMS code UnionPay sent — with no UnionPay page in between.
///
/// The card number and the sensitive `customerInfo` fields (`phoneNo`, `cvn2`, `expired`) are
/// encrypted to UnionPay's encryption certificate before anything is sent; the value's description
/// shows the card masked and no customer information, so it is safe in logs and errors.
public struct UnionPayBackConsume: Sendable, CustomStringConvertible {
    public var outTradeNo: String
    public var amount: Amount
    /// The card number (PAN), digits only.
    public var cardNumber: String
    /// `customerInfo` sub-fields as the merchant's product requires them: `smsCode`, `phoneNo`,
    /// `certifTp`, `certifId`, `customerNm`, `cvn2`, `expired`.
    public var customerInfo: [String: String]
    public var notifyURL: String?
    /// When the request is stamped (`txnTime`); see `PayRequest/requestTime`.
    public var requestTime: Date?

    /// The `customerInfo` fields UnionPay's SDKs put into `encryptedInfo`.
    package static let encryptedFields: Set = ["phoneNo", "cvn2", "expired"]

    public init(outTradeNo: String, amount: Amount, cardNumber: String, customerInfo: [String: String], notifyURL: String? = nil, requestTime: Date? = nil) {
        self.outTradeNo = outTradeNo
        self.amount = amount
        self.cardNumber = cardNumber
        self.customerInfo = customerInfo
        self.notifyURL = notifyURL
        self.requestTime = requestTime
    }

    /// The card as receipts show it: first six and last four digits.
    public var maskedCardNumber: String {
        cardNumber.count > 10 ? String(cardNumber.prefix(6)) + String(repeating: "*", count: cardNumber.count - 10) + String(cardNumber.suffix(4)) : "****"
    }

    public var description: String { "UnionPayBackConsume(\(outTradeNo), \(amount), card \(maskedCardNumber))" }
}
