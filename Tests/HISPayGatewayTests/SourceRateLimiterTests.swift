import Foundation
import HISPayGateway
import Testing

/// The per-source token bucket behind the gateway's 429.
@Suite struct SourceRateLimiterTests {
    @Test func aSourceGetsItsBurstThenItsRateAndOthersAreNotTouched() async throws {
        let limiter = SourceRateLimiter(perSecond: 50, burst: 10)
        #expect((0..<10).allSatisfy { _ in limiter.admit("203.0.113.7") })
        #expect(!limiter.admit("203.0.113.7"))
        #expect(limiter.admit("198.51.100.1"))  // another source has its own bucket
        try await Task.sleep(for: .milliseconds(200))  // 50 a second: 10 more after 0.2 s, and no more than the burst
        let refilled = (0..<20).filter { _ in limiter.admit("203.0.113.7") }.count
        #expect((9...10).contains(refilled), "\(refilled) admitted after 0.2 s")
    }

    @Test func theBurstDefaultsToTwoSecondsWorth() {
        let limiter = SourceRateLimiter(perSecond: 3)
        #expect(limiter.burst == 6)
        #expect((0..<7).filter { _ in limiter.admit("a") }.count == 6)
    }
}
