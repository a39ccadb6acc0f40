import Foundation
import HISPayCore

/// The national medical insurance for the channel registry: the mobile-payment centre's
/// settlement notifications (`insurance.mobilePay`), the 3202 result file as its statement, and
/// the mobile-pay envelope's signature. Hospital-side settlement calls are ``NHSAClient``'s and
/// the centre's are ``MobilePayClient``'s; neither is a `PaymentChannel`.
public enum InsuranceChannel {
    public static let descriptor = ChannelDescriptor(
        id: .insurance, name: "insurance", summary: "national medical insurance (NHSA) and its mobile-payment centre",
        displayName: LocalizedText(zh: "医保", en: "Medical insurance"), accountKey: "fixmedinsCode",
        makeVerifier: { setup in
            guard let block = try setup.block.block("mobilePay") else { return nil }
            // `logger` hears which SM2 ID a notice verified under when it is not the configured one.
            let handler = MobilePayNotificationHandler(credentials: try MobilePayCredentials(block: block), logger: setup.logger)
            return CallbackVerification(id: .insurance, time: setup.time, verify: { request, _ in try handler.handle(request) }, rejection: { _ in MobilePayNotificationHandler.rejection })
        },
        statementParser: NHSAResultParser(),
        explainSignature: { setup, input in
            guard let mobile = try setup.block.block("mobilePay") else {
                throw ConfigurationError(.missingKey, "\(setup.block.path) has no mobilePay block")
            }
            let credentials = try MobilePayCredentials(block: mobile)
            let data = try input.require(input.parameters, "params", note: "the business data")
            guard let business = ConfigValue.decode(data) else { throw ConfigurationError(.invalidValue, "\(input.parametersSource) is not JSON") }
            let timestamp = input.timestamp.map(String.init) ?? String(Int64(setup.time.now().timeIntervalSince1970 * 1000))
            let sealed = try MobilePayEnvelope.seal(business, credentials: credentials, timestamp: timestamp)
            let secret = try mobile.string("appSecret")
            return [
                "stringToSign": ResidentIDNumber.masked(in: sealed.signText.replacingOccurrences(of: "&key=\(secret)", with: "&key=<APP_SECRET>")),
                "signature": sealed.envelope.objectValue["signData"]?.text ?? "", "encData": sealed.encData,
            ]
        },
        unmatchedLegAction: LocalizedText(
            zh: "查询医保结算（5261）；如未结算成功，撤销现金部分后重新结算",
            en: "query the insurance settlement (5261); if it was not settled, undo the cash leg and settle again"),
        // The mobile-payment centre's notice is the JSON envelope its requests use (encData, signData, …).
        callbackMediaTypes: ["application/json"])
}
