import Foundation
import HISPayCore

/// Writes one day's results into a directory: `report.json`, `discrepancies.csv` (UTF-8 with a BOM,
/// so Excel and WPS open the Chinese text cleanly), `carry-over.json` and `report.html` (one
/// self-contained page: totals side by side, a chart of matched and discrepant amounts per channel,
/// the discrepancies with their suggested actions).
public enum ReportFiles {
    public static func write(_ report: ReconciliationReport, carryOver: CarryOver, to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try JSONEncoder.reconciliation.encode(report).write(to: directory.appendingPathComponent("report.json"))
            try JSONEncoder.reconciliation.encode(carryOver).write(to: directory.appendingPathComponent("carry-over.json"))
            try Data(csv(report).utf8).write(to: directory.appendingPathComponent("discrepancies.csv"))
            try Data(HTMLReport.page(report).utf8).write(to: directory.appendingPathComponent("report.html"))
        } catch let error as ReconciliationError {
            throw error
        } catch {
            throw ReconciliationError(.unreadable, "cannot write the report into \(directory.path): \(FileFailure.reason(error))")
        }
    }

    /// Writes a night's group report: `report.json` and `report.html` in `directory`, and each
    /// merchant's own files (``write(_:carryOver:to:)``) in `directory/<merchant>`.
    public static func write(_ group: GroupReport, carryOvers: [String: CarryOver], to directory: URL) throws {
        for section in group.sections {
            try write(section.report, carryOver: carryOvers[section.merchant] ?? CarryOver(date: group.date), to: folder(of: section.merchant, in: directory))
        }
        do {
            try JSONEncoder.reconciliation.encode(group).write(to: directory.appendingPathComponent("report.json"))
            try Data(HTMLReport.groupPage(group).utf8).write(to: directory.appendingPathComponent("report.html"))
        } catch {
            throw ReconciliationError(.unreadable, "cannot write the report into \(directory.path): \(FileFailure.reason(error))")
        }
    }

    /// The folder of `merchant`'s files in a night's directory: its name, with anything but
    /// letters, digits, `.`, `-` and `_` replaced by `_`.
    public static func folder(of merchant: String, in directory: URL) -> URL {
        let name = String(merchant.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "_" })
        return directory.appendingPathComponent(name.isEmpty || name.allSatisfy({ $0 == "." }) ? "_" : name)
    }

    /// The discrepancies as CSV, amounts in yuan, times in Beijing time (`yyyy-MM-dd HH:mm:ss`, +08:00);
    /// the notes and actions are in the report's language.
    public static func csv(_ report: ReconciliationReport) -> String {
        var lines = ["kind,channel,record_kind,out_trade_no,out_refund_no,settlement_id,his_amount,channel_amount,time,note,action"]
        for item in report.discrepancies {
            lines.append([
                item.kind.name, item.channel.rawValue, item.recordKind.name, item.outTradeNo, item.outRefundNo ?? "", item.settlementID ?? "",
                item.hisAmount?.yuanString ?? "", item.channelAmount?.yuanString ?? "", BeijingTime.format(item.time), item.note, item.action,
            ].map(field).joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
