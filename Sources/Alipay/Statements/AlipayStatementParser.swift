import HISPayCore

/// The bill archive (`bill_type` `trade`: a zip of GBK CSV files) as a `StatementParser`,
/// through ``AlipayBillParser``.
public struct AlipayStatementParser: StatementParser {
    public init() {}

    public func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
        let stated = try AlipayBillParser.parse(archive: input.data(), handle)
        return StatementTotals(
            count: stated.paymentCount + stated.refundCount, paymentAmount: stated.paymentAmount, refundAmount: stated.refundAmount, fee: stated.fee,
            unclassified: stated.unclassifiedCount)
    }
}
