/// Reads one statement format into normalized ``StatementRecord``s, streamed to `handle` one at a
/// time, and returns the totals it checked against the file's own summary.
///
/// Each channel module has one for each format it downloads (``ChannelDescriptor/statementParser``);
/// reconciliation and `hispay bill parse` take them from the channel registry and know no format.
public protocol StatementParser: Sendable {
    /// Parses `input`, handing each record to `handle` as it is read.
    func parse(_ input: StatementInput, _ handle: (StatementRecord) throws -> Void) throws -> StatementTotals
}
