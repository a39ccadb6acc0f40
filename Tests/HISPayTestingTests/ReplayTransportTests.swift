import Foundation
import HISPayCore
import HISPayCrypto
import Testing
import HISPayTesting

@Suite struct ReplayTransportTests {
    private func cassette(_ requests: [HTTPRequest]) -> Cassette {
        Cassette(name: "unit", interactions: requests.enumerated().map { index, request in
            Cassette.Interaction(
                request: Redactor.standard.redact(request),
                response: Cassette.Response(HTTPResponse(status: 200, headers: ["X-Index": "\(index)"], body: Data("{\"n\":\(index)}".utf8))))
        })
    }

    private let query = HTTPRequest(
        method: "GET", url: "https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/REG1?mchid=1900000001",
        headers: ["Accept": "application/json", "Authorization": "WECHATPAY2-SHA256-RSA2048 mchid=\"1900000001\""])
    private let close = HTTPRequest(
        method: "POST", url: "https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/REG1/close",
        headers: ["Content-Type": "application/json"], body: Data(#"{"mchid":"1900000001"}"#.utf8))

    @Test func servesEachRecordedInteractionOnce() async throws {
        let replay = ReplayTransport(cassette: cassette([query, close]))
        #expect(try await replay.send(close).headers["X-Index"] == "1")
        #expect(try await replay.send(query).headers["X-Index"] == "0")
        try replay.verifyAllUsed()
        await #expect(throws: CassetteError(.unmatchedRequest, "")) { try await replay.send(query) }
    }

    @Test func unmatchedRequestNamesTheClosestRecordedOneAndTheDifference() async throws {
        let replay = ReplayTransport(cassette: cassette([query, close]))
        var changed = close
        changed.body = Data(#"{"mchid":"1900000002"}"#.utf8)
        do {
            _ = try await replay.send(changed)
            Issue.record("a changed body must not match")
        } catch let error as CassetteError {
            #expect(error.code == .unmatchedRequest)
            #expect(error.reason.contains("closest is #1"))
            #expect(error.reason.contains("body differs"))
            #expect(error.reason.contains("1900000001"))
        }
        #expect(throws: CassetteError(.unusedInteractions, "")) { try replay.verifyAllUsed() }
    }

    @Test func headerOrderAndValuesMatter() async {
        let replay = ReplayTransport(cassette: cassette([query]))
        var reordered = query
        reordered.headers = HTTPHeaders(query.headers.fields.reversed())
        await #expect(throws: CassetteError(.unmatchedRequest, "")) { try await replay.send(reordered) }
    }

    @Test func redactorRemovesSecretsTokensAndIdentifiers() throws {
        let redactor = Redactor.standard.adding(secret: "S3cretApiKey", as: "API_KEY")
        let request = HTTPRequest(
            method: "POST", url: "https://openapi.alipay.com/gateway.do?app_auth_token=tok123&method=alipay.trade.query",
            headers: ["Cookie": "session=abc", "X-Key": "S3cretApiKey"],
            body: Data(#"{"psn_cert_no":"440106199001011234","password" : "pw\"x","note":"S3cretApiKey"}"#.utf8))
        let recorded = redactor.redact(request)
        let text = String(decoding: try JSONEncoder().encode(recorded), as: UTF8.self)
        for secret in ["tok123", "session=abc", "S3cretApiKey", "440106199001011234", "pw"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(recorded.url == "https://openapi.alipay.com/gateway.do?app_auth_token=<REDACTED>&method=alipay.trade.query")
        #expect(recorded.headers[1] == ["X-Key", "<API_KEY>"])
        #expect(redactor.leakedSecrets(in: "x S3cretApiKey y") == ["API_KEY"])
    }

    @Test func sm2SignedRequestsMatchOnStringToSignAndAVerifiedSignature() async throws {
        let key = try PrivateKey.generate(.sm2)
        let publicKey = try key.publicKey
        func signed(_ body: String) throws -> HTTPRequest {
            let signature = try key.sm2Signature(for: Array(body.utf8), encoding: .raw)
            return HTTPRequest(
                method: "POST", url: "https://fsi.example/mobile/6201",
                headers: ["Content-Type": "application/json", "X-SM2-Signature": Base64.encode(signature)], body: Data(body.utf8))
        }
        let matcher = SignedRequestMatcher(
            signatureHeaders: ["X-SM2-Signature"],
            extract: { request in
                guard let header = request.headers.first(where: { $0.first == "X-SM2-Signature" }), header.count == 2,
                    let signature = try? Base64.decode(header[1]) else { return nil }
                return (String(decoding: request.body?.data ?? Data(), as: UTF8.self), signature)
            },
            verify: { text, signature in
                (try? publicKey.verifySM2Signature(signature, for: Array(text.utf8), encoding: .raw)) != nil
            })
        let body = #"{"appId":"57E2D561E97141A3871DEFB410ADD920","encData":"33BC1E3A"}"#
        var recorded = Redactor.standard.redact(try signed(body))
        matcher.annotate(&recorded)
        #expect(recorded.stringToSign == body)
        let cassette = Cassette(name: "sm2", interactions: [
            Cassette.Interaction(request: recorded, response: Cassette.Response(HTTPResponse(status: 200))),
        ])

        // A fresh signing gives different signature bytes, yet matches.
        let replay = ReplayTransport(cassette: cassette, matcher: matcher)
        #expect(try await replay.send(try signed(body)).status == 200)

        // A valid signature over other content does not match.
        let other = ReplayTransport(cassette: cassette, matcher: matcher)
        await #expect(throws: CassetteError(.unmatchedRequest, "")) { try await other.send(try signed(body + " ")) }

        // The right content with a forged signature does not match.
        var forged = try signed(body)
        forged.headers.set("X-SM2-Signature", Base64.encode([UInt8](repeating: 7, count: 64)))
        let third = ReplayTransport(cassette: cassette, matcher: matcher)
        do {
            _ = try await third.send(forged)
            Issue.record("a forged signature must not match")
        } catch let error as CassetteError {
            #expect(error.reason.contains("signature does not verify"))
        }
    }

    @Test func cassettesRoundTripThroughJSONFiles() throws {
        var binary = close
        binary.body = Data([0x1f, 0x8b, 0x08, 0x00, 0xff])
        var original = cassette([query, binary])
        original.recordedAt = "2026-11-22T10:00:00+08:00"
        #expect(original.recordedDate == Date(timeIntervalSince1970: 1_795_312_800))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.write(to: url)
        let loaded = try Cassette.load(from: url)
        #expect(loaded == original)
        #expect(loaded.interactions[1].request.body?.base64 != nil)
        #expect(loaded.interactions[1].request.httpRequest.body == binary.body)
        #expect(throws: CassetteError(.unreadable, "")) { try Cassette.load(from: url.appendingPathExtension("missing")) }
    }
}
