import Foundation
import HISPay
import HISPayTesting
import ZIPFoundation

/// Statements of `rows` rows in each channel's published format, every 20th row a refund.
enum Statements {
    static func yuan(_ fen: Int64) -> String { Amount(fen: fen).yuanString }
    static func fen(_ index: Int) -> Int64 { Int64(index % 100_000 + 1) }
    static func time(_ index: Int, of rows: Int) -> String {
        let second = index * 86_000 / rows
        return String(format: "2026-11-22 %02d:%02d:%02d", second / 3600, second % 3600 / 60, second % 60)
    }

    /// A WeChat Pay trade bill: UTF-8 with BOM, backtick fields, the summary rows.
    static func wechat(_ rows: Int) -> Data {
        var lines = ["\u{FEFF}交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"]
        var paid: Int64 = 0
        var refunded: Int64 = 0
        for index in 0..<rows {
            let amount = yuan(fen(index))
            let at = time(index, of: rows)
            if index % 20 == 19 {
                refunded += fen(index)
                lines.append("`\(at),`wx2421b1c4370ec43b,`1900000001,`0,`,`42\(100_000_000 + index),`REG\(index),`o\(index),`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50\(100_000_000 + index),`REG\(index)R1,`\(amount),`0.00,`ORIGINAL,`SUCCESS,`门诊退费,`,`0.00000,`0.60%,`0.00,`\(amount),`")
            } else {
                paid += fen(index)
                lines.append("`\(at),`wx2421b1c4370ec43b,`1900000001,`0,`,`42\(100_000_000 + index),`REG\(index),`o\(index),`JSAPI,`SUCCESS,`OTHERS,`CNY,`\(amount),`0.00,`0,`0,`0.00,`0.00,`,`,`门诊缴费,`,`0.00000,`0.60%,`\(amount),`0.00,`")
            }
        }
        lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
        lines.append("`\(rows),`\(yuan(paid)),`\(yuan(refunded)),`0.00,`0.00,`\(yuan(paid)),`\(yuan(refunded))")
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// An Alipay bill archive: the GBK detail CSV with its footers and the summary CSV, zipped.
    static func alipay(_ rows: Int) throws -> (archive: Data, uncompressedBytes: Int) {
        var detail = [
            "#支付宝业务明细查询", "#账号：[20880211096256330099]", "#起始日期：[2026年11月22日 00:00:00]   终止日期：[2026年11月23日 00:00:00]",
            "#-----------------------------------------业务明细列表----------------------------------------",
            "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注",
        ]
        var paid: (count: Int, fen: Int64) = (0, 0)
        var refunded: (count: Int, fen: Int64) = (0, 0)
        for index in 0..<rows {
            let at = time(index, of: rows)
            let amount = yuan(fen(index))
            if index % 20 == 19 {
                refunded = (refunded.count + 1, refunded.fen + fen(index))
                detail.append("2026112222001\(100_000_000 + index)\t,REG\(index)\t,退款\t,门诊退费,\(at),\(at),s1\t,医院\t,his\t,\t,*患者\t,-\(amount),-\(amount),0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,REG\(index)R1\t,0.00,0.00,")
            } else {
                paid = (paid.count + 1, paid.fen + fen(index))
                detail.append("2026112222001\(100_000_000 + index)\t,REG\(index)\t,交易\t,门诊缴费,\(at),\(at),s1\t,医院\t,his\t,\t,*患者\t,\(amount),\(amount),0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,")
            }
        }
        detail += [
            "#-----------------------------------------业务明细列表结束------------------------------------",
            "#交易合计：\(paid.count)笔，商家实收共\(yuan(paid.fen))元，商家优惠共0.00元",
            "#退款合计：\(refunded.count)笔，商家实收退款共-\(yuan(refunded.fen))元，商家优惠退款共0.00元", "#导出时间：[2026年11月23日 09:00:00]",
        ]
        let net = yuan(paid.fen - refunded.fen)
        let summary = [
            "#支付宝业务汇总查询", "#账号：[20880211096256330099]",
            "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
            "合计,,\(paid.count),\(refunded.count),\(net),\(net),0.00,0.00,0.00,0.00,0.00,\(net)",
        ]
        let archive = try Archive(accessMode: .create)
        var uncompressed = 0
        for (name, lines) in [("20880211096256330099_20261122_业务明细.csv", detail), ("20880211096256330099_20261122_业务明细(汇总).csv", summary)] {
            let bytes = Data(try GB18030.encode(lines.joined(separator: "\r\n") + "\r\n"))
            uncompressed += bytes.count
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return (archive.data ?? Data(), uncompressed)
    }

    /// A UnionPay ZM file: 607-byte records in the published layout.
    static func unionPay(_ rows: Int) -> Data {
        var lines: [String] = []
        lines.reserveCapacity(rows)
        for index in 0..<rows {
            let refund = index % 20 == 19
            let amount = fen(index)
            var values: [Int: String] = [
                1: refund ? "S30" : "S22", 4: String(format: "%06d", index % 1_000_000), 5: "1122" + String(time(index, of: rows).suffix(8).filter(\.isNumber)),
                6: "6222********0000", 7: String(format: "%012lld", amount), 10: "7826112210\(100_000_000_00 + index)", 12: refund ? "REG\(index)R1" : "REG\(index)",
                16: (refund ? "C" : "D") + "000000000000", 17: (refund ? "D" : "C") + String(format: "%012lld", amount), 20: refund ? "04" : "01",
                21: refund ? "00" : "07", 22: "000000", 28: "898440100000001", 33: (refund ? "D" : "C") + String(format: "%012lld", amount),
            ]
            if refund { (values[27], values[41]) = ("7826112210\(100_000_000_00 + index - 1)", "REG\(index)") }
            lines.append(UnionPayZMParser.line(values))
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}
