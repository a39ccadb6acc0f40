import Foundation
import HISPayCore

/// NHSA money: yuan with two decimals (`数值型 16,2`), sent as JSON numbers or strings. Read through
/// ``ConfigValue`` so a number's exact decimal text is parsed, never a floating-point value.
enum NHSAAmount {
    static func parse(_ value: ConfigValue) throws -> Amount {
        guard let text = value.text else { throw AmountError(.notANumber, "\(value)") }
        return try Amount(yuan: text, allowNegative: true)
    }
}
