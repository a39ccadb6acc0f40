import HISPayCore

/// The file-transfer zip, or its `INN…ZM_…` file, as a `StatementParser` through
/// ``UnionPayZMParser``; a bare ZM file is dated by its name.
public struct UnionPayStatementParser: StatementParser {
    public init() {}

    public func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
        let stated = try UnionPayZMParser.parse(input.data(), settlementDate: UnionPayZMParser.dateFromName(input.name), handle)
        return StatementTotals(
            count: stated.count, paymentAmount: stated.paymentAmount, refundAmount: stated.refundAmount, fee: stated.fee,
            unclassified: stated.adjustmentCount)
    }
}
