import Foundation
@testable import HISPayCore
import HISPayTestSupport
import Testing

/// Form bodies as Alipay and UnionPay send them (application/x-www-form-urlencoded, RFC 1866 §8.2.1):
/// `+` is a space, `%XX` a byte, each decoded once.
@Suite struct FormFieldsTests {
    @Test func escapesAreDecodedOnce() throws {
        let fields = try FormFields.decode(Data("a=1+2&b=%2B%E6%8C%82%E5%8F%B7&c=&d&%6B%65y=%2541&&".utf8))
        #expect(fields == ["a": "1 2", "b": "+挂号", "c": "", "d": "", "key": "%41"])
    }

    @Test func brokenEscapesAndRepeatsAreRefusedByName() throws {
        for body in ["a=%", "a=%4", "a=%G1", "a=%FF", "k%=1"] {
            #expect(throws: FormFields.Problem.self) { try FormFields.decode(Data(body.utf8)) }
        }
        #expect(throws: FormFields.Problem.brokenEscape("a")) { try FormFields.decode(Data("a=%4".utf8)) }
        #expect(throws: FormFields.Problem.repeated("a")) { try FormFields.decode(Data("a=1&a=2".utf8)) }
        #expect(throws: FormFields.Problem.notUTF8) { try FormFields.decode(Data([0x61, 0x3D, 0xFF])) }
        #expect(try FormFields.decode(Data("a=1&a=2".utf8), rejectingRepeats: false) == ["a": "2"])
    }

    @Test func trimmingIgnoresWhitespaceAroundTheBodyOnly() throws {
        #expect(try FormFields.decode(Data(" \r\na=1 &b=2\r\n".utf8), trimming: true) == ["a": "1 ", "b": "2"])
        #expect(try FormFields.decode(Data("a=1\r\n".utf8)) == ["a": "1\r\n"])
    }

    /// Values are decoded eight bytes at a time where they hold no escape or plus: against a plain
    /// byte-by-byte decoder, values of every length with escapes, pluses and non-ASCII text at every
    /// position relative to the eight-byte words decode alike.
    @Test func wordAtATimeDecodingMatchesByteByByte() throws {
        var random = SeededGenerator(seed: 22)
        let pieces = ["A", "b", "9", "/", "=", "%2B", "%3D", "%0D%0A", "+", "%E6%8C%82", "挂", "-", "%25"]
        for length in 0..<40 {
            for _ in 0..<25 {
                let value = (0..<length).map { _ in pieces.randomElement(using: &random)! }.joined()
                let body = "k=\(value)&x=1"
                let fields = try FormFields.decode(Data(body.utf8))
                #expect(fields == ["k": Self.reference(value), "x": "1"], "\(body)")
            }
        }
    }

    /// `+` a space and `%XX` a byte, one byte at a time.
    private static func reference(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                out.append(UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)!)
                index += 3
            } else {
                out.append(bytes[index] == UInt8(ascii: "+") ? 0x20 : bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
