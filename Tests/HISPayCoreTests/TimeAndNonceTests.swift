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

/// Beijing wall-clock text by arithmetic, checked against Foundation's Gregorian calendar at
/// +08:00 over two centuries (leap days, the 2100 non-leap year, the second before and after
/// midnight, fractions of a second and instants before 1970), and round-tripped through `parse`.
@Suite struct BeijingTimeFormatTests {
    static func calendarText(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = BeijingTime.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    @Test func formatAgreesWithTheCalendarAndRoundTrips() {
        var instants: [TimeInterval] = []
        var time: TimeInterval = -2_208_988_800  // 1900-01-01 UTC
        while time < 4_133_980_800 {  // 2101-01-01 UTC
            instants.append(time)
            time += 86_399.75 * 7.3
        }
        instants += [951_753_600, 951_839_999.999, 4_107_542_399, 4_107_542_400, -0.5, 1_795_283_999.999, 1_795_284_000]
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            let text = BeijingTime.format(date)
            #expect(text == Self.calendarText(date), "\(instant)")
            #expect(BeijingTime.parse(text) == Date(timeIntervalSince1970: instant.rounded(.down)), "\(instant)")
            #expect(BeijingTime.iso8601(date) == text.replacingOccurrences(of: " ", with: "T") + "+08:00", "\(instant)")
            #expect(BeijingTime.compact(date) == text.filter(\.isNumber), "\(instant)")
        }
        #expect(BeijingTime.iso8601(Date(timeIntervalSince1970: 1_795_312_800)) == "2026-11-22T10:00:00+08:00")
        #expect(BeijingTime.compact(Date(timeIntervalSince1970: 1_795_312_800)) == "20261122100000")
        #expect(BeijingTime.day(Date(timeIntervalSince1970: 1_795_363_199.999)) == "2026-11-22" && BeijingTime.day(Date(timeIntervalSince1970: 1_795_363_200)) == "2026-11-23")
    }
}
