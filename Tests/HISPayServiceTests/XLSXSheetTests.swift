import Foundation
@testable import HISPayCompression
import HISPayCore
import HISPayService
import HISPayTestSupport
import Reconciliation
import Testing

/// Partners' XLSX order files (`XLSXSheet` in HISPayCompression, `PartnerOrder.load`), read from workbooks real spreadsheet writers made (the scripts beside
/// them in `Fixtures/partners`): openpyxl 3.1.5 (inline strings, a custom date format, the 1900 date
/// system) and XlsxWriter 3.2.0 (shared strings as Excel writes them, built-in format 22, the 1904
/// system). Cell types as SpreadsheetML defines them (`s`, `str`, `inlineStr`, `b`, `e`, `n`, `d`:
/// https://learn.microsoft.com/previous-versions/office/developer/office-2010/cc800814(v=office.14)).
@Suite struct XLSXSheetTests {
    /// The two partners as a configuration's `partners` list describes them.
    static let formats = try! PartnerFormat.all(in: HISPayConfiguration(json: Data("""
        {"merchants": [{"name": "main"}], "partners": [
          {"name": "jk160", "skipRows": 1, "footerRows": 1,
           "columns": {"orderNo": "医院订单号", "amount": "支付金额", "time": "下单时间", "status": "订单状态", "commission": "佣金"}},
          {"name": "haodf", "amountUnit": "fen", "paidStatuses": ["成功"],
           "columns": {"orderNo": "挂号单号", "amount": "金额(分)", "time": "交易时间", "status": "状态"}},
          {"name": "plain", "skipRows": 1, "columns": {"orderNo": "医院订单号", "amount": "支付金额"}}]}
        """.utf8), baseDirectory: FileManager.default.temporaryDirectory).root)
    static var jk160: PartnerFormat { formats[0] }
    static var haodf: PartnerFormat { formats[1] }

    /// Serial day numbers: 5 July 1998 is 35981 in the 1900 system and 34519 in the 1904 system
    /// (https://docs.devexpress.com/VCL/dxSpreadSheetTypes.TdxSpreadSheetDateTimeSystem); the
    /// fraction is the time of day, to the nearest second.
    @Test func serialDayNumbersInBothDateSystems() {
        #expect(XLSXSheet.dateTime(serial: "35981", date1904: false) == "1998-07-05 00:00:00")
        #expect(XLSXSheet.dateTime(serial: "34519", date1904: true) == "1998-07-05 00:00:00")
        #expect(XLSXSheet.dateTime(serial: "46356.41667824074", date1904: false) == "2026-11-30 10:00:01")
        #expect(XLSXSheet.dateTime(serial: "46356.99998842592", date1904: false) == "2026-11-30 23:59:59")
        #expect(XLSXSheet.dateTime(serial: "abc", date1904: false) == nil && XLSXSheet.dateTime(serial: "-1", date1904: false) == nil)
    }

    /// Excel writes up to 17 significant digits, so 36.3 can be stored as 36.299999999999997: the
    /// noise is rounded away; a value with real extra precision keeps it (and is refused as an amount).
    @Test func floatNoiseIsRoundedAndRealPrecisionKept() throws {
        #expect(XLSXSheet.number("36.299999999999997") == "36.3")
        #expect(XLSXSheet.number("0.30000000000000004") == "0.3")
        #expect(XLSXSheet.number("1.5E+3") == "1500")
        #expect(XLSXSheet.number("12.345") == "12.345" && XLSXSheet.number("2026112200001") == "2026112200001")
        #expect(XLSXSheet.column(of: "A1") == 0 && XLSXSheet.column(of: "AB7") == 27 && XLSXSheet.column(of: "7") == nil)
        #expect(XLSXSheet.isDateCode("yyyy-mm-dd hh:mm:ss") && XLSXSheet.isDateCode("[$-804]yyyy\"年\"m\"月\"d\"日\""))
        #expect(!XLSXSheet.isDateCode("#,##0.00") && !XLSXSheet.isDateCode("General") && !XLSXSheet.isDateCode("0.00\"元\"") && !XLSXSheet.isDateCode("[Red]0.00"))
    }

    @Test func openpyxlWorkbookRowsKeepTheirRowNumbers() throws {
        let rows = try XLSXSheet.rows(Data(contentsOf: Fixtures.url("partners/jk160-2026-11-30.xlsx")), file: "jk160.xlsx")
        #expect(rows.count == 7 && rows.map(\.line) == Array(1...7))
        #expect(rows[0].fields == ["健康160 订单对账单 2026-11-30"])
        #expect(rows[2].fields == ["N1WX", "12", "2026-11-30 10:00:01", "已支付", "0.6"])
        #expect(rows[6].fields == ["合计", "", "", "", ""])  // the totals row's formulas have no cached value
        let orders = try PartnerOrder.load(Fixtures.url("partners/jk160-2026-11-30.xlsx"), format: Self.jk160)
        #expect(orders.map(\.orderNo) == ["N1WX", "S1WX", "P9GHOST", "N7REFUND"])
        #expect(orders.map(\.amount.fen) == [1200, 777, 2500, 30] && orders.map(\.commission.fen) == [60, 39, 125, 0])
        #expect(orders.map(\.state) == [.paid, .paid, .paid, .refunded] && orders.map(\.line) == [3, 4, 5, 6])
        #expect(orders[2].time == BeijingTime.parse("2026-11-30 23:59:59"))
    }

    @Test func xlsxWriterWorkbookWithSharedStringsAndThe1904System() throws {
        let orders = try PartnerOrder.load(Fixtures.url("partners/haodf-2026-11-30.xlsx"), format: Self.haodf)
        #expect(orders.map(\.orderNo) == ["N2ALI", "S2UNIONPAY", "S8CANCEL"])
        #expect(orders.map(\.amount.fen) == [2345, 999, 1500] && orders.map(\.state) == [.paid, .paid, .other])
        #expect(orders.map { $0.time.map(BeijingTime.format) } == ["2026-11-30 09:15:00", "2026-11-30 16:40:00", "2026-11-30 17:05:00"])
    }

    @Test func whatIsNotAWorkbookIsRefusedWithItsName() throws {
        func refusal(_ data: Data) -> String? {
            do { _ = try XLSXSheet.rows(data, file: "orders.xlsx") } catch { return error.description }
            return nil
        }
        #expect(refusal(Data("医院订单号,支付金额\n".utf8))?.contains("orders.xlsx is not an XLSX workbook (not a zip archive)") == true)
        #expect(refusal(try ZipWriter.archive([("hello.txt", Data("hi".utf8))]))?.contains("lacks xl/workbook.xml") == true)
        let workbook = Data(#"<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>"#.utf8)
        let entity = Data(#"<!DOCTYPE x [<!ENTITY e "boom">]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>"#.utf8)
        #expect(refusal(try ZipWriter.archive([("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", entity)]))?.contains("xl/worksheets/sheet1.xml holds a DOCTYPE") == true)
        let badIndex = Data(#"<worksheet><sheetData><row r="4"><c r="B4" t="s"><v>9</v></c></row></sheetData></worksheet>"#.utf8)
        #expect(refusal(try ZipWriter.archive([("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", badIndex)]))?.contains("row 4: a cell names shared string 9") == true)
        let truncated = Data(#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v>"#.utf8)
        #expect(refusal(try ZipWriter.archive([("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", truncated)]))?.contains("is not well-formed XML") == true)
    }

    /// A bad amount in a workbook is named by its sheet row, as a clerk sees it.
    @Test func aBadCellIsNamedByItsSheetRow() throws {
        let workbook = Data(#"<workbook><sheets><sheet name="a" r:id="rId1"/></sheets></workbook>"#.utf8)
        let sheet = Data(#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>医院订单号</t></is></c><c r="B2" t="inlineStr"><is><t>支付金额</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>X1</t></is></c><c r="B3"><v>12.345</v></c></row></sheetData></worksheet>"#.utf8)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hispay-bad-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: file) }
        try ZipWriter.archive([("xl/workbook.xml", workbook), ("xl/worksheets/sheet1.xml", sheet)]).write(to: file)
        #expect(throws: ReconciliationError.self) { try PartnerOrder.load(file, format: Self.formats[2]) }
        do { _ = try PartnerOrder.load(file, format: Self.formats[2]) } catch let error as ReconciliationError {
            #expect(error.reason.contains("line 3: 支付金额 12.345 is not an amount in yuan"), "\(error.reason)")
        }
    }
}
