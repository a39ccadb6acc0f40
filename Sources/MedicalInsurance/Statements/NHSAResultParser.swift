import Foundation
import HISPayCore

/// The platform's 3202 detail-reconciliation result file (zipped or not) as a `StatementParser`:
/// its rows carry no time, so they are stamped at noon of the business day, which the input must
/// give. The insurance leg is checked against what the platform says, not against the list uploaded.
public struct NHSAResultParser: StatementParser {
    public init() {}

    public func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals {
        guard let date = input.businessDate, let noon = BeijingTime.parse(date + " 12:00:00") else {
            throw ConfigurationError(.missingKey, "the NHSA's 3202 result \(input.name) dates no row: give the business day (yyyy-MM-dd)")
        }
        var totals = StatementTotals(count: 0, paymentAmount: .zero, refundAmount: .zero, fee: .zero)
        for record in try DetailReconciliationResult(file: input.data()).statementRecords(time: noon) {
            totals.count += 1
            if record.kind == .refund {
                totals.refundAmount = try totals.refundAmount.adding(record.amount)
            } else {
                totals.paymentAmount = try totals.paymentAmount.adding(record.amount)
            }
            try handle(record)
        }
        return totals
    }
}
