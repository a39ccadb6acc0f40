import Foundation
import HISPayCore
import HISPayCrypto
import HISPayTestSupport
import Testing
import WeChatPay
import HISPayTesting

@Suite struct PlatformCertificateTests {
    @Test func javaDownloadVectorDecryptsWithMatchingSerial() throws {
        let vector = try Fixtures.vector("wechat-v3-certificate-download")["vectors"][1]
        let download = try PlatformCertificateDownload(body: Data(vector["inputs"]["response_body"].string.utf8))
        let certificates = try download.certificates(apiV3Key: APIv3Key(vector["inputs"]["apiv3_key"].string))
        #expect(certificates.map(\.serialNumberHex) == [vector["expected"]["serial_no"].string])
        #expect(throws: ChannelError(.decryptionFailed, reason: "")) {
            try download.certificates(apiV3Key: APIv3Key("0123456789abcdef0123456789abcdef"))
        }
    }

    @Test func unknownSerialTriggersOneVerifiedRefreshThenTheAnswerIsTrusted() async throws {
        var script = try WeChatPayScript()
        try script.expect("GET", "/v3/pay/transactions/out-trade-no/REG20261122001?mchid=1900000001", answer: WeChatPayScript.transactionSuccess)
        try script.expect("GET", "/v3/certificates", answer: try script.certificateDownload(script.keys.platformCertificate))
        let (channel, replay) = try script.channel(trustPlatformCertificate: false)
        #expect(channel.currentPlatformKeys.isEmpty)
        #expect(try await channel.query(.outTradeNo("REG20261122001")).kind == .success)
        #expect(channel.currentPlatformKeys.certificates.keys.sorted() == ["F5765756002FDD77"])
        try replay.verifyAllUsed()
    }

    @Test func downloadSignedByAnUntrustedKeyIsNeverTrusted() async throws {
        var script = try WeChatPayScript()
        // The answer carries the test platform certificate but is signed by a stranger claiming that serial.
        try script.expect("GET", "/v3/certificates", answer: try script.certificateDownload(script.keys.platformCertificate))
        let stranger = try PrivateKey.generate(.rsa)
        let response = script.interactions[0].response.httpResponse
        let timestamp = response.headers["Wechatpay-Timestamp"]!, nonce = response.headers["Wechatpay-Nonce"]!
        var message = Data("\(timestamp)\n\(nonce)\n".utf8)
        message.append(response.body)
        message.append(0x0A)
        var forged = response
        forged.headers.set("Wechatpay-Signature", Base64.encode(try stranger.rsaSignature(for: message)))
        script.interactions[0].response = Cassette.Response(forged)
        let (channel, _) = try script.channel(trustPlatformCertificate: false)
        await #expect(throws: ChannelError(.signatureInvalid, reason: "")) { try await channel.refreshPlatformCertificates() }
        #expect(channel.currentPlatformKeys.isEmpty)
    }

    @Test func callbackFromARotatedCertificateRefreshesOnce() async throws {
        var script = try WeChatPayScript()
        try script.expect("GET", "/v3/certificates", answer: try script.certificateDownload(script.keys.platformCertificate))
        let (channel, replay) = try script.channel(trustPlatformCertificate: false)
        let verified = try await channel.verifyCallback(try script.keys.notification(resource: script.keys.transactionResource()))
        #expect(verified.event.kind == .paymentSucceeded)
        try replay.verifyAllUsed()
    }

    @Test func periodicRefreshDownloadsOnlyWhenDue() async throws {
        var script = try WeChatPayScript()
        try script.expect("GET", "/v3/certificates", answer: try script.certificateDownload(script.keys.platformCertificate))
        let clock = ManualTimeSource(script.keys.now)
        let (channel, replay) = try script.channel(time: clock)
        #expect(try await channel.refreshPlatformCertificatesIfDue())
        try replay.verifyAllUsed()
        clock.advance(by: 3600)
        #expect(try await !channel.refreshPlatformCertificatesIfDue())
        // 13 hours after the first download it is due again: it asks the gateway (which this
        // cassette no longer answers).
        clock.advance(by: 12 * 3600)
        await #expect(throws: CassetteError(.unmatchedRequest, "")) { try await channel.refreshPlatformCertificatesIfDue() }
    }
}
