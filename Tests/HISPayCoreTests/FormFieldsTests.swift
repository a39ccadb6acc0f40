import Foundation
@testable import HISPayCore
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
}
