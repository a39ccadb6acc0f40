import Foundation
import HISPayCore
import Testing

@Suite struct TimeAndNonceTests {
    @Test func manualTimeStandsStillUntilMoved() {
        let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_795_312_800))
        #expect(clock.now() == Date(timeIntervalSince1970: 1_795_312_800))
        clock.advance(by: 301)
        #expect(clock.now().timeIntervalSince1970 == 1_795_313_101)
    }

    @Test func scriptedNoncesThenCounter() {
        let nonces = ScriptedNonceSource(["N-A", "N-B"])
        #expect([nonces.nextNonce(), nonces.nextNonce(), nonces.nextNonce(), nonces.nextNonce()] == ["N-A", "N-B", "NONCE1", "NONCE2"])
    }

    @Test func randomNoncesAreAlphanumericAndDistinct() {
        let source = RandomNonceSource()
        let nonces = (0..<100).map { _ in source.nextNonce() }
        #expect(Set(nonces).count == 100)
        #expect(nonces.allSatisfy { $0.count == 32 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
    }

    @Test func headersKeepOrderAndLookUpCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Wechatpay-Serial": "ABC"]
        headers.add("X-Dup", "1")
        headers.add("x-dup", "2")
        #expect(headers["wechatpay-serial"] == "ABC")
        #expect(headers.values("X-DUP") == ["1", "2"])
        headers.set("X-Dup", "3")
        #expect(headers.values("x-dup") == ["3"])
        #expect(headers.fields.map(\.name) == ["Content-Type", "Wechatpay-Serial", "X-Dup"])
    }
}
