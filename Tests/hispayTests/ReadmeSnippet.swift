import Foundation
import HISPay
import Testing

/// The README's first Swift snippet ("In short"), compiled with the tests: its lines are the body of
/// `inShort()` between the markers, and ``ReadmeSnippetTests`` fails when the README's block and
/// these lines differ. It is compiled, not run (it reads /etc/hispay/hispay.json).
enum ReadmeSnippet {
    static func inShort() async throws {
        // README begins
        // Money is Int64 fen, parsed from and formatted to each channel's exact text. No Double anywhere.
        let fee = try Amount(yuan: "12.30")          // Alipay / NHSA yuan text
        let total = try fee.adding(Amount(fen: 70))  // overflow is an error, never a trap
        print(total.yuanString, total.fenString)     // "13.00" "1300"

        // A merchant profile becomes a channel through the registry, on one transport configuration
        // (timeouts, proxy, CA bundle, client certificates).
        let registry = ChannelRegistry.standard
        let configuration = try registry.loadConfiguration(path: "/etc/hispay/hispay.json")
        let transports = try CurlTransport.Configuration(settings: configuration.transport)
        let channel = try registry.channel(.wechatPay, merchant: try configuration.merchant(named: "main-campus"), transports: transports)

        // Every channel speaks one protocol and answers with one of four outcomes.
        func collect(_ channel: any PaymentChannel, authCode: String) async throws {
            let outcome = try await channel.pay(PayRequest(
                outTradeNo: "REG20261122001", amount: fee, subject: "门诊挂号", scene: .barcode(authCode: authCode)))
            switch outcome {
            case .success(let payment, _): print("paid", payment.transactionID ?? "")
            case .pending(let payment, _): print("waiting for the patient", payment?.payerAction as Any)
            case .failure(let status): print("declined", status)
            case .unknown(let status): print("query with the SAME order number", status)  // never re-pay with a new one
            }
        }
        // README ends
        _ = channel
        _ = collect
    }
}

@Suite struct ReadmeSnippetTests {
    @Test func theReadmeSnippetIsTheCompiledOne() throws {
        let snippet = try Readme.block("swift", after: "In short:\n\n", beginningWith: "import HISPay\n\n").dropFirst("import HISPay\n\n".count)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let from = try #require(source.range(of: "// README begins\n"))
        let to = try #require(source.range(of: "\n        // README ends", range: from.upperBound..<source.endIndex))
        let compiled = source[from.upperBound..<to.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map { $0.dropFirst(8) }.joined(separator: "\n")
        #expect(compiled == snippet, "the README's snippet and ReadmeSnippet.swift differ")
    }
}
