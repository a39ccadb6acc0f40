import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import UnionPay

/// The UnionPay ACP 5.1.0 and 5.0.0 back-end gateway and file-download host as the adapter uses them,
/// in memory. Requests are form posts whose signature (signMethod 01, `certId` of the merchant's
/// certificate; SHA-256, or SHA-1 for `version` 5.0.0) is checked; answers are `key=value&…` text and
/// back notifications URL-encoded forms, both signed with the sandbox's "UnionPay" certificate — in
/// 5.1.0 it travels in `signPubKeyCert`, in 5.0.0 only its `certId` does (the merchant keeps the
/// verify certificate locally), the signature then SHA1withRSA over the SHA-1 hex.
///
/// Transactions move like the gateway's: `respCode` `00` only means accepted. A QR order (01/07) is
/// paid `payDelay` after its code is issued; a payer-presented code (01/06) waits for the password
/// for `passwordPolls` queries (never for a code ending in `0000`) — queries report `origRespCode`
/// `05` until then; refunds (04, partial, repeated up to the original), consume undo (31, same day,
/// full amount), QR pre-authorisation (02/04), its completion (03) and undo (32) take effect at once.
/// Each success is notified to the `backUrl` with retries. The front consume (01/01) form the
/// browser posts to `frontTransReq.do` gets a cashier page and is paid like a QR order. The file transfer (76/01) returns the
/// day's ZM file, zipped, deflated and base64-encoded as the published format.
public actor UnionPaySimulator {
    struct Transaction: Codable {
        var orderID: String
        var queryID: String
        var txnType: String
        var txnSubType: String
        var bizType: String
        var amount: Int64
        /// The request's `txnTime`: a query by order id must name it.
        var txnTime: String
        /// The original's `origRespCode`: `05` in progress, `00` succeeded.
        var state: String
        var backURL: String?
        var originalQueryID: String?
        var payerCode: String?
        var polls = 0
        var doneAt: Date?
        var callbackFault: SandboxFault?
        /// The ACP version the order was placed in: its notifications are signed that way.
        var version = "5.1.0"
    }

    public let keys: SandboxUnionPayKeys
    public let payDelay: Duration
    public let clock: SandboxClock
    public let passwordPolls: Int
    private let deliver: @Sendable (HTTPRequest) async -> Void
    private var faults = SandboxFaultPlan()
    private var transactions: [String: Transaction] = [:]
    private var orderIDByQueryID: [String: String] = [:]
    private var sequence: Int

    /// `clock` is the simulator's time and statement calendar (the wall clock by default).
    public init(
        keys: SandboxUnionPayKeys, payDelay: Duration = .seconds(1), passwordPolls: Int = 2, seed: Int = 1, clock: SandboxClock = SandboxClock(),
        deliver: @escaping @Sendable (HTTPRequest) async -> Void
    ) {
        self.clock = clock
        self.keys = keys
        self.payDelay = payDelay
        self.passwordPolls = passwordPolls
        self.deliver = deliver
        sequence = seed * 1_000_000
    }

    /// Injects `fault` into the next `count` requests whose path starts with `pathPrefix` (e.g.
    /// `/unionpay/gateway/api/backTransReq.do`). `serverError` answers the system-error code `04`
    /// (状态未明) after the request took effect.
    public func inject(_ fault: SandboxFault, pathPrefix: String, count: Int = 1) {
        faults.add(fault, pathPrefix: pathPrefix, count: count)
    }

    /// Answers one request to `path` (`…/backTransReq.do`, `…/queryTrans.do`, the file host, or the
    /// browser's `…/frontTransReq.do`).
    public func handle(path: String, body: Data) async -> SandboxResponse {
        if path.hasSuffix("/frontTransReq.do") { return front(body) }
        let fault = faults.take(path)
        var reply: [String: String]
        if let fields = try? UnionPayMessage.parseForm(body) {
            reply = answer(path: path, fields, callbackFault: fault == .duplicateCallback || fault == .lateCallback ? fault : nil)
        } else {
            reply = ["respCode": "10", "respMsg": "报文格式错误"]
        }
        switch fault {
        case .serverError?: reply.merge(["respCode": "04", "respMsg": "交易状态未明"]) { $1 }
        case .truncatedStatement?: reply["fileContent"] = reply["fileContent"].map { String($0.prefix($0.count / 2)) }
        case .slow?: try? await Task.sleep(for: .seconds(3))
        default: break
        }
        var signed = sign(reply)
        if fault == .badSignature, let signature = signed["signature"] {
            signed["signature"] = SandboxFault.forged(signature)
        }
        let text = signed.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        return SandboxResponse(status: 200, headers: [("Content-Type", "text/plain;charset=utf-8")], body: Data(text.utf8))
    }

    private func answer(path: String, _ fields: [String: String], callbackFault: SandboxFault?) -> [String: String] {
        var echo = fields.filter { ["version", "encoding", "bizType", "txnType", "txnSubType", "accessType", "merId", "orderId", "txnTime", "reqReserved"].contains($0.key) }
        if let refusal = checkSignature(fields) { return echo.merging(refusal) { $1 } }
        let result: [String: String]
        switch (path.hasSuffix("/queryTrans.do"), fields["txnType"] ?? "", fields["txnSubType"] ?? "") {
        case (true, "00", _): result = query(fields)
        case (false, "01", "07"), (false, "01", "06"), (false, "02", "04"): result = place(fields, callbackFault: callbackFault)
        case (false, "01", "01"): result = backConsume(fields, callbackFault: callbackFault)
        case (false, "04", _), (false, "31", _), (false, "03", _), (false, "32", _): result = follow(fields, callbackFault: callbackFault)
        case (false, "76", "01"): result = file(fields)
        default: result = ["respCode": "32", "respMsg": "无此交易权限 (the sandbox does not offer this transaction)"]
        }
        echo.merge(result) { $1 }
        return echo
    }

    /// The front consume (01/01) the patient's browser posts with the auto-submitting form: the
    /// cashier page, paid `payDelay` later like a QR order (the back notification says so).
    private func front(_ body: Data) -> SandboxResponse {
        func page(_ status: Int, _ text: String) -> SandboxResponse {
            SandboxResponse(status: status, headers: [("Content-Type", "text/html;charset=utf-8")], body: Data("<!DOCTYPE html><html><body><p>\(text)</p></body></html>".utf8))
        }
        guard let fields = try? UnionPayMessage.parseForm(body), fields["txnType"] == "01", fields["txnSubType"] == "01" else {
            return page(400, "报文格式错误 (a front consume is txnType 01, txnSubType 01)")
        }
        if let refusal = checkSignature(fields) { return page(400, "\(refusal["respCode"] ?? "") \(refusal["respMsg"] ?? "")") }
        let placed = place(fields.merging(["txnSubType": "07"]) { $1 }, callbackFault: nil)
        guard placed["respCode"] == "00", let orderID = fields["orderId"] else { return page(400, "\(placed["respCode"] ?? "") \(placed["respMsg"] ?? "")") }
        transactions[orderID]?.txnSubType = "01"
        return page(200, "银联收银台 (HISPay sandbox): order \(orderID), ¥\(Amount(fen: transactions[orderID]?.amount ?? 0).yuanString) — paying…")
    }

    /// `merId`, signMethod `01`, the merchant certificate's `certId` and a signature over every field.
    private func checkSignature(_ fields: [String: String]) -> [String: String]? {
        guard fields["merId"] == keys.merchantID else { return ["respCode": "31", "respMsg": "商户状态不正确 (unknown merId)"] }
        let certificate = keys.merchant.certificate
        let algorithm: DigestAlgorithm = fields["version"] == "5.0.0" ? .sha1 : .sha256
        guard fields["signMethod"] == "01", fields["certId"] == certificate.serialNumberDecimal, let signature = fields["signature"].flatMap({ try? Base64.decode($0) }),
            let digest = try? algorithm.hash(UnionPayMessage.stringToSign(fields)),
            (try? certificate.publicKey.verifyRSASignature(signature, for: Array(Hex.encode(digest).utf8), digest: algorithm)) != nil
        else { return ["respCode": "11", "respMsg": "验证签名失败"] }
        return nil
    }

    /// A consume by QR (01/07 issue a code, 01/06 the payer's code) or a QR pre-authorisation (02/04).
    private func place(_ fields: [String: String], callbackFault: SandboxFault?) -> [String: String] {
        guard let orderID = fields["orderId"], let txnTime = fields["txnTime"], let amount = fields["txnAmt"].flatMap({ try? Amount(fenText: $0) }), amount.fen > 0 else {
            return ["respCode": "13", "respMsg": "报文交易要素缺失 (orderId, txnTime or txnAmt)"]
        }
        guard transactions[orderID] == nil else { return ["respCode": "12", "respMsg": "重复交易"] }
        let issuesCode = fields["txnSubType"] == "07"
        let payerCode = issuesCode ? nil : fields["qrNo"]
        guard issuesCode || payerCode != nil else { return ["respCode": "13", "respMsg": "报文交易要素缺失 (qrNo)"] }
        var transaction = Transaction(
            orderID: orderID, queryID: nextQueryID(), txnType: fields["txnType"] ?? "", txnSubType: fields["txnSubType"] ?? "", bizType: fields["bizType"] ?? "",
            amount: amount.fen, txnTime: txnTime, state: "05", backURL: fields["backUrl"], payerCode: payerCode, callbackFault: callbackFault,
            version: fields["version"] ?? "5.1.0")
        if transaction.txnType == "02" { transaction.state = "00" }
        transactions[orderID] = transaction
        orderIDByQueryID[transaction.queryID] = orderID
        if transaction.txnType == "02" {
            succeed(orderID)
            return ["respCode": "00", "respMsg": "成功[0000000]", "queryId": transaction.queryID, "txnAmt": String(amount.fen)]
        }
        if issuesCode {
            let delay = payDelay
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.pay(orderID)
            }
            return ["respCode": "00", "respMsg": "成功[0000000]", "qrCode": "https://qr.95516.com/00010000/01\(transaction.queryID.suffix(12))"]
        }
        return ["respCode": "00", "respMsg": "成功[0000000]", "queryId": transaction.queryID, "txnAmt": String(amount.fen)]
    }

    /// The back (server-to-server) card consume (01/01 on `backTransReq.do`, bizType 000301 认证支付,
    /// as UnionPay's no-jump demos send it): `accNo` and `customerInfo.encryptedInfo` encrypted (RSA
    /// PKCS#1 v1.5) to the encryption certificate named by `encryptCertId`, `customerInfo` base64 of
    /// `{k=v&…}` holding the SMS code. Test cards: a card ending in `0000` is declined (余额不足), any
    /// other is paid at once and notified.
    private func backConsume(_ fields: [String: String], callbackFault: SandboxFault?) -> [String: String] {
        guard fields["bizType"] == "000301", fields["encryptCertId"] == keys.encryptionCertificate.serialNumberDecimal else {
            return ["respCode": "13", "respMsg": "报文交易要素缺失 (bizType 000301 and the encryption certificate's encryptCertId)"]
        }
        guard let sealed = fields["accNo"].flatMap({ try? Base64.decode($0) }), let plain = try? RSAPKCS1.decrypt(sealed, with: keys.encryptionKey),
            let card = String(validating: plain, as: UTF8.self), card.count >= 13, card.allSatisfy(\.isNumber)
        else { return ["respCode": "11", "respMsg": "accNo does not decrypt to a card number with the encryption key"] }
        guard let info = fields["customerInfo"].flatMap({ try? Base64.decode($0) }).flatMap({ String(validating: $0, as: UTF8.self) }),
            info.hasPrefix("{"), info.hasSuffix("}"), info.contains("smsCode=")
        else { return ["respCode": "13", "respMsg": "customerInfo is not base64 of {k=v&…} with smsCode"] }
        if card.hasSuffix("0000") { return ["respCode": "51", "respMsg": "余额不足"] }
        var placed = place(fields.merging(["txnSubType": "06", "qrNo": "card"]) { $1 }, callbackFault: callbackFault)
        if placed["respCode"] == "00", let orderID = fields["orderId"] {
            transactions[orderID]?.txnSubType = "01"
            pay(orderID)
            placed["accNo"] = String(card.prefix(6)) + "******" + String(card.suffix(4))
        }
        return placed
    }

    /// A transaction on an original named by `origQryId`: refund (04), consume undo (31),
    /// pre-authorisation completion (03) or undo (32).
    private func follow(_ fields: [String: String], callbackFault: SandboxFault?) -> [String: String] {
        guard let orderID = fields["orderId"], let txnTime = fields["txnTime"], let amount = fields["txnAmt"].flatMap({ try? Amount(fenText: $0) }), amount.fen > 0,
            let originalQueryID = fields["origQryId"]
        else { return ["respCode": "13", "respMsg": "报文交易要素缺失 (orderId, txnTime, txnAmt or origQryId)"] }
        guard transactions[orderID] == nil else { return ["respCode": "12", "respMsg": "重复交易"] }
        let type = fields["txnType"] ?? ""
        let wantsPreAuthorisation = type == "03" || type == "32"
        guard let originalOrderID = orderIDByQueryID[originalQueryID], let original = transactions[originalOrderID], original.state == "00",
            wantsPreAuthorisation ? original.txnType == "02" : ["01", "03"].contains(original.txnType)
        else { return ["respCode": "35", "respMsg": "原交易不存在或状态不正确"] }
        let earlier = transactions.values.filter { $0.originalQueryID == originalQueryID && $0.state == "00" }
        let taken = earlier.reduce(Int64(0)) { $0 + $1.amount }
        switch type {
        case "31", "32":
            guard earlier.isEmpty, amount.fen == original.amount else { return ["respCode": "36", "respMsg": "与原交易信息不符 (an undo is for the full amount, once)"] }
            if type == "31", let doneAt = original.doneAt, BeijingTime.day(doneAt) != BeijingTime.day(clock.now()) {
                return ["respCode": "35", "respMsg": "原交易不存在或状态不正确 (undo only on the consume's settlement day; refund instead)"]
            }
        default:
            guard taken + amount.fen <= original.amount else { return ["respCode": "36", "respMsg": "与原交易信息不符 (amount above what remains of the original)"] }
        }
        let transaction = Transaction(
            orderID: orderID, queryID: nextQueryID(), txnType: type, txnSubType: fields["txnSubType"] ?? "00", bizType: fields["bizType"] ?? "", amount: amount.fen,
            txnTime: txnTime, state: "00", backURL: fields["backUrl"], originalQueryID: originalQueryID, callbackFault: callbackFault,
            version: fields["version"] ?? "5.1.0")
        transactions[orderID] = transaction
        orderIDByQueryID[transaction.queryID] = orderID
        succeed(orderID)
        return ["respCode": "00", "respMsg": "成功[0000000]", "queryId": transaction.queryID, "origQryId": originalQueryID, "txnAmt": String(amount.fen)]
    }

    /// Query (00/00) by `orderId` with the original's `txnTime`, or by `queryId`.
    private func query(_ fields: [String: String]) -> [String: String] {
        let orderID = fields["queryId"].flatMap { orderIDByQueryID[$0] } ?? fields["orderId"]
        guard let orderID, var transaction = transactions[orderID], fields["queryId"] != nil || fields["txnTime"] == transaction.txnTime else {
            return ["respCode": "34", "respMsg": "查无此交易"]
        }
        if transaction.payerCode != nil, transaction.txnType == "01", transaction.state == "05" {
            transaction.polls += 1
            transactions[orderID] = transaction
            if transaction.polls >= passwordPolls, !(transaction.payerCode ?? "").hasSuffix("0000") { pay(orderID) }
        }
        transaction = transactions[orderID] ?? transaction
        var reply = [
            "respCode": "00", "respMsg": "成功[0000000]", "origRespCode": transaction.state,
            "origRespMsg": transaction.state == "00" ? "成功[0000000]" : "交易已受理，请稍后查询交易结果", "orderId": orderID, "queryId": transaction.queryID,
            "txnAmt": String(transaction.amount), "txnTime": transaction.txnTime, "currencyCode": "156",
        ]
        if let doneAt = transaction.doneAt { reply.merge(settlement(doneAt, transaction.queryID)) { $1 } }
        if let original = transaction.originalQueryID { reply["origQryId"] = original }
        return reply
    }

    /// File transfer (76/01): the ZM file of settlement day `settleDate` (MMDD) and its ZME
    /// (adjustments) file — empty: the sandbox makes no adjustments — zipped, in its envelope.
    private func file(_ fields: [String: String]) -> [String: String] {
        let now = BeijingTime.format(clock.now())
        guard let settleDate = fields["settleDate"], settleDate.count == 4, settleDate.allSatisfy(\.isNumber), let year = Int(now.prefix(4)),
            let month = Int(settleDate.prefix(2)), let currentMonth = Int(now.dropFirst(5).prefix(2))
        else { return ["respCode": "10", "respMsg": "报文格式错误 (settleDate MMDD)"] }
        let fullYear = month > currentMonth ? year - 1 : year
        let day = "\(fullYear)-\(settleDate.prefix(2))-\(settleDate.suffix(2))"
        guard clock.isPublished(day, hour: 9) else { return ["respCode": "98", "respMsg": "文件不存在"] }
        let lines = transactions.values.filter { ["01", "03", "04", "31"].contains($0.txnType) && $0.state == "00" && $0.doneAt.map { BeijingTime.format($0).hasPrefix(day) } == true }
            .sorted { $0.queryID < $1.queryID }.map(zmLine)
        let compact = String(fullYear % 100) + settleDate
        guard let zip = try? ZipWriter.archive([
            ("INN\(compact)88ZM_\(keys.merchantID)", Data((lines.joined(separator: "\r\n") + (lines.isEmpty ? "" : "\r\n")).utf8)),
            ("INN\(compact)88ZME_\(keys.merchantID)", Data()),
        ]),
            let content = try? UnionPayFileContent.encode(zip)
        else { return ["respCode": "01", "respMsg": "交易失败 (could not make the file)"] }
        return ["respCode": "00", "respMsg": "成功[0000000]", "fileType": "00", "settleDate": settleDate, "fileName": "\(keys.merchantID)_\(fullYear)\(settleDate).zip", "fileContent": content]
    }

    /// One ZM record: each field padded to its byte width, one space between (fee 0.38% of the amount).
    private func zmLine(_ transaction: Transaction) -> String {
        let isRefund = transaction.txnType == "04" || transaction.txnType == "31"
        let fee = (transaction.amount * 38 + 5_000) / 10_000
        let net = transaction.amount - fee
        let doneAt = transaction.doneAt ?? clock.now()
        let original = transaction.originalQueryID.flatMap { orderIDByQueryID[$0] } ?? ""
        func signed(_ value: Int64, credit: Bool) -> String { (credit ? "C" : "D") + String(format: "%012lld", value) }
        var values: [Int: String] = [
            1: isRefund ? "S30" : "S22", 4: String(transaction.queryID.suffix(6)), 5: String(BeijingTime.compact(doneAt).dropFirst(4).prefix(10)),
            6: "6222********0000", 7: String(format: "%012lld", transaction.amount), 10: transaction.queryID, 12: transaction.orderID,
            16: signed(fee, credit: isRefund), 17: signed(net, credit: !isRefund), 20: transaction.txnType, 21: transaction.txnSubType, 22: transaction.bizType,
            28: keys.merchantID, 33: signed(net, credit: !isRefund),
        ]
        if isRefund { (values[27], values[41]) = (transaction.originalQueryID ?? "", original) }
        return UnionPayZMParser.line(values)
    }

    func pay(_ orderID: String) {
        guard var transaction = transactions[orderID], transaction.state == "05" else { return }
        transaction.state = "00"
        transactions[orderID] = transaction
        succeed(orderID)
    }

    /// Marks `orderID` done now and notifies its `backUrl`.
    private func succeed(_ orderID: String) {
        guard var transaction = transactions[orderID] else { return }
        let now = clock.now()
        transaction.doneAt = now
        transactions[orderID] = transaction
        guard let url = transaction.backURL else { return }
        var fields = [
            "version": transaction.version, "encoding": "utf-8", "accessType": "0", "merId": keys.merchantID, "orderId": orderID, "queryId": transaction.queryID,
            "txnType": transaction.txnType, "txnSubType": transaction.txnSubType, "bizType": transaction.bizType, "txnTime": transaction.txnTime,
            "txnAmt": String(transaction.amount), "currencyCode": "156", "respCode": "00", "respMsg": "成功[0000000]",
        ]
        fields.merge(settlement(now, transaction.queryID)) { $1 }
        if let original = transaction.originalQueryID { fields["origQryId"] = original }
        let request = HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/x-www-form-urlencoded;charset=utf-8"], body: UnionPayMessage.formBody(sign(fields)))
        SandboxFault.deliver(request, fault: transaction.callbackFault, with: deliver)
    }

    private func settlement(_ at: Date, _ queryID: String) -> [String: String] {
        let compact = BeijingTime.compact(at)
        return ["traceNo": String(queryID.suffix(6)), "traceTime": String(compact.dropFirst(4)), "settleDate": String(compact.dropFirst(4).prefix(4))]
    }

    /// Adds signMethod `01` and the signature. 5.1.0: `signPubKeyCert` (PEM with CRLF), SHA256withRSA
    /// over the lower-case hex SHA-256 of the sorted `key=value` string. 5.0.0: the verify
    /// certificate's `certId` instead, SHA1withRSA over the SHA-1 hex.
    private func sign(_ fields: [String: String]) -> [String: String] {
        var all = fields
        all["signMethod"] = "01"
        let legacy = fields["version"] == "5.0.0"
        if legacy {
            all["certId"] = keys.signingCertificate.serialNumberDecimal
        } else {
            all["signPubKeyCert"] = keys.signingCertificate.pemRepresentation.replacingOccurrences(of: "\n", with: "\r\n")
        }
        let algorithm: DigestAlgorithm = legacy ? .sha1 : .sha256
        if let digest = try? algorithm.hash(UnionPayMessage.stringToSign(all)),
            let signature = try? keys.signingKey.rsaSignature(for: Array(Hex.encode(digest).utf8), digest: legacy ? .sha1 : .sha256)
        {
            all["signature"] = Base64.encode(signature)
        }
        return all
    }

    /// A 21-digit `queryId`: `78`, the Beijing date `yyMMdd`, a 13-digit serial.
    private func nextQueryID() -> String {
        sequence += 1
        return "78" + String(BeijingTime.compact(clock.now()).dropFirst(2).prefix(6)) + String(format: "%013d", sequence)
    }

    // MARK: - Kept across restarts (`SandboxOrderStore`)

    /// Every transaction, and where the ids have got to.
    struct Saved: Codable, Sendable {
        var transactions: [String: Transaction]
        var sequence: Int
    }

    func saved() -> Saved { Saved(transactions: transactions, sequence: sequence) }

    /// Takes the saved transactions back; a code the payer had not yet paid is paid `payDelay` from now.
    func restore(_ saved: Saved) {
        (transactions, sequence) = (saved.transactions, saved.sequence)
        orderIDByQueryID = Dictionary(transactions.values.map { ($0.queryID, $0.orderID) }) { first, _ in first }
        let unpaid = transactions.values.filter { $0.state == "05" && $0.txnSubType == "07" }.map(\.orderID)
        guard !unpaid.isEmpty else { return }
        let delay = payDelay
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            for orderID in unpaid { await self?.pay(orderID) }
        }
    }
}
