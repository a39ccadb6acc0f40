import Foundation
import HISPayCore

/// A WeChat Pay medical-insurance mixed order (医保自费混合收款下单, `POST /v3/med-ins/orders`): the
/// insurance part settled by the NHSA under `payOrderID`/`payAuthNo`, the cash part paid through
/// the JSAPI prepayment `prepayID` made with the same `outTradeNo`.
public struct WeChatMedInsOrder: Sendable {
    /// Which legs the order has.
    public enum MixPayType: String, Sendable {
        case cashOnly = "CASH_ONLY"
        case insuranceOnly = "INSURANCE_ONLY"
        case cashAndInsurance = "CASH_AND_INSURANCE"
    }

    /// The patient the order pays for. Name and ID number are encrypted to the platform key
    /// before sending (the ID as the MD5 digest WeChat asks for) and never logged.
    public struct Patient: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        public let name: String
        public let idNumber: String
        public let cardType: String
        public init(name: String, idNumber: String, cardType: String = "ID_CARD") {
            self.name = name
            self.idNumber = idNumber
            self.cardType = cardType
        }

        /// Redacted: printing an order (or a patient) never shows the name or ID number.
        public var description: String { "Patient(\(cardType), name and ID redacted)" }
        public var debugDescription: String { description }
    }

    public var mixPayType: MixPayType
    /// The business kind, e.g. `REG_PAY` (registration) or `DIAG_PAY` (consultation fees).
    public var orderType: String
    public var openID: String
    public var payer: Patient
    /// Set when paying for a relative; `payer` is then the account holder.
    public var relative: Patient?
    public var outTradeNo: String
    /// The hospital's order number sent to the NHSA as `medOrgOrd` (6201).
    public var serialNo: String
    /// NHSA `payOrdId` from the 6201 fee upload.
    public var payOrderID: String?
    /// The patient's authorisation (`payAuthNo`) from the NHSA mobile-pay authorisation.
    public var payAuthNo: String?
    /// "longitude,latitude" of the patient.
    public var geoLocation: String?
    public var cityID: String
    public var institutionName: String
    public var institutionCode: String
    public var insuranceOrderCreatedAt: Date?
    public var split: WeChatMedInsSplit
    public var callbackURL: String
    /// The JSAPI prepayment of the cash part (absent for `INSURANCE_ONLY`).
    public var prepayID: String?
    /// Passed through to the NHSA as it is (e.g. `{"payAuthNo","payOrdId","setlLatlnt"}`).
    public var passthroughRequestContent: String?
    public var attach: String?
    /// Routes only the insurance leg to the NHSA test environment.
    public var insuranceTestEnvironment: Bool

    public init(
        mixPayType: MixPayType, orderType: String, openID: String, payer: Patient, relative: Patient? = nil,
        outTradeNo: String, serialNo: String, payOrderID: String? = nil, payAuthNo: String? = nil,
        geoLocation: String? = nil, cityID: String, institutionName: String, institutionCode: String,
        insuranceOrderCreatedAt: Date? = nil, split: WeChatMedInsSplit, callbackURL: String, prepayID: String? = nil,
        passthroughRequestContent: String? = nil, attach: String? = nil, insuranceTestEnvironment: Bool = false
    ) {
        self.mixPayType = mixPayType
        self.orderType = orderType
        self.openID = openID
        self.payer = payer
        self.relative = relative
        self.outTradeNo = outTradeNo
        self.serialNo = serialNo
        self.payOrderID = payOrderID
        self.payAuthNo = payAuthNo
        self.geoLocation = geoLocation
        self.cityID = cityID
        self.institutionName = institutionName
        self.institutionCode = institutionCode
        self.insuranceOrderCreatedAt = insuranceOrderCreatedAt
        self.split = split
        self.callbackURL = callbackURL
        self.prepayID = prepayID
        self.passthroughRequestContent = passthroughRequestContent
        self.attach = attach
        self.insuranceTestEnvironment = insuranceTestEnvironment
    }

    /// Checks what WeChat would refuse, before anything is sent: the split identities, a cash
    /// leg without its prepayment, an insurance leg without the NHSA order and authorisation.
    public func validate() throws(ChannelError) {
        try split.validate()
        if mixPayType != .insuranceOnly, split.wechatPayCash.fen > 0, prepayID == nil {
            throw ChannelError(.invalidRequest, channel: .wechatPay, reason: "a mixed order with a cash part needs prepay_id (the JSAPI prepayment)")
        }
        if mixPayType != .cashOnly, payOrderID == nil || payAuthNo == nil {
            throw ChannelError(.invalidRequest, channel: .wechatPay, reason: "a mixed order with an insurance part needs pay_order_id and pay_auth_no from the NHSA")
        }
    }
}
