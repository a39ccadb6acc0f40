import Foundation
import HISPayCompression
import HISPayCore
import HISPayCrypto
import Synchronization

/// The hospital-side interface of the national medical-insurance platform (国家医保信息平台): the
/// message envelope (`infno`, `msgid`, regions, `inf_time`, operator, `sign_no`, `input`), the
/// provincial `x-tif-*` gateway headers, and the outpatient flow — 9001 sign-in, 1101 person info,
/// 2201 registration, 2204/2205 fee detail upload and undo, 2206 pre-settlement, 2207 settlement, 2208
/// settlement undo, 2601 reversal, 5261 settlement query, 3201 total reconciliation, 9101 + 3202 detail
/// reconciliation. Amounts are yuan with two decimals on the wire and `Amount` inside.
public final class NHSAClient: Sendable {
    public let profile: NHSAProfile
    private let transport: any HTTPTransport
    private let time: any TimeSource
    private let nonces: any NonceSource
    private let state: Mutex<(signNo: String?, sequence: Int)>

    /// `sequence` is where the 4-digit sequence of `msgid`s starts (the first is `sequence + 1`):
    /// random by default, because a msgid is fixmedins_code + the second + the sequence, and two
    /// processes (HIS nodes, or one restarted) starting from the same number in the same second would
    /// send the same msgid — which the platform books, and 2601 reverses, by.
    public init(
        profile: NHSAProfile, transport: any HTTPTransport, time: any TimeSource = SystemTimeSource(), nonces: any NonceSource = RandomNonceSource(),
        sequence: Int = Int.random(in: 0..<9999)
    ) {
        self.profile = profile
        self.transport = transport
        self.time = time
        self.nonces = nonces
        state = Mutex((nil, sequence % 9999))
    }

    /// The platform's answer: `infcode` 0 with its `output`.
    public struct Answer: Sendable {
        public let messageID: String
        /// `output` as an object (empty when it is not one).
        public let output: [String: ConfigValue]
        /// `output` as received (an array for some query transactions).
        public let rawOutput: ConfigValue
    }

    /// The sign-in number from 9001, once signed in.
    public var signNo: String? { state.withLock { $0.signNo } }

    /// Sends one transaction. Throws `ChannelError` `.transport` (retry-safe) when it surely was not
    /// sent, `.invalidRequest` carrying `infcode`/`err_msg` when the platform refused it, and
    /// ``NHSAUnknownOutcome`` (with the `msgid` to reverse) when it was sent but not answered.
    public func call(_ infno: String, input: ConfigValue, insuredArea: String? = nil, messageID preset: String? = nil) async throws -> Answer {
        let (messageID, body) = envelope(infno, input: input, insuredArea: insuredArea, messageID: preset)
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "POST", url: "\(profile.gateway)/\(infno)", headers: try headers(), body: Data(body.utf8)))
        } catch let error as TransportError {
            if error.isRetrySafe { throw ChannelError(.transport, channel: .insurance, reason: "\(infno): \(error.reason)", isRetrySafe: true) }
            throw NHSAUnknownOutcome(infno: infno, messageID: messageID, reason: error.reason)
        }
        guard (200..<300).contains(response.status) else {
            if response.status >= 500 { throw NHSAUnknownOutcome(infno: infno, messageID: messageID, reason: "HTTP \(response.status)") }
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "\(infno) returned HTTP \(response.status)", status: ChannelStatus(httpStatus: response.status))
        }
        guard let answer = ConfigValue.decode(response.body)?.objectValue, let code = answer["infcode"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "\(infno) answer is not a platform response")
        }
        guard code == "0" else {
            throw ChannelError(
                .invalidRequest, channel: .insurance, reason: "\(infno) refused: \(answer["err_msg"]?.text ?? "no message")",
                status: ChannelStatus(code: code, message: answer["err_msg"]?.text))
        }
        return Answer(messageID: messageID, output: answer["output"]?.objectValue ?? [:], rawOutput: answer["output"] ?? .null)
    }

    /// The JSON content type and, when the province requires them, the `x-tif-*` gateway headers.
    private func headers() throws -> HTTPHeaders {
        var headers: HTTPHeaders = ["Content-Type": "application/json;charset=utf-8"]
        if let paasID = profile.paasID, let token = profile.paasToken {
            let timestamp = String(Int64(time.now().timeIntervalSince1970))
            let nonce = nonces.nextNonce()
            headers.add("x-tif-paasid", paasID)
            headers.add("x-tif-timestamp", timestamp)
            headers.add("x-tif-nonce", nonce)
            headers.add("x-tif-signature", Hex.encode(try DigestAlgorithm.sha256.hash(timestamp + token + nonce + timestamp)))
        }
        return headers
    }

    /// The request envelope and its `msgid` (fixmedins_code + yyyyMMddHHmmss + 4-digit sequence).
    func envelope(_ infno: String, input: ConfigValue, insuredArea: String?, messageID preset: String? = nil) -> (messageID: String, body: String) {
        let now = time.now()
        let signNo = state.withLock { $0.signNo }
        let messageID = preset ?? nextMessageID()
        let fields: [String: ConfigValue] = [
            "infno": .string(infno), "msgid": .string(messageID), "mdtrtarea_admvs": .string(profile.mdtrtareaAdmvs),
            "insuplc_admdvs": .string(insuredArea ?? ""), "recer_sys_code": .string(profile.receiverSystemCode), "dev_no": .string(""),
            "dev_safe_info": .string(""), "cainfo": .string(""), "signtype": .string(""), "infver": .string(profile.interfaceVersion),
            "opter_type": .string(profile.operatorType), "opter": .string(profile.operatorID), "opter_name": .string(profile.operatorName),
            "inf_time": .string(BeijingTime.format(now)), "fixmedins_code": .string(profile.fixmedinsCode),
            "fixmedins_name": .string(profile.fixmedinsName), "sign_no": .string(signNo ?? ""), "input": input,
        ]
        return (messageID, ConfigValue.object(fields).jsonText())
    }

    /// A fresh `msgid` (fixmedins_code + yyyyMMddHHmmss + 4-digit sequence), e.g. to journal a 2207
    /// before sending it so a crash can be resolved by 2601 with that id.
    public func nextMessageID() -> String {
        let sequence = state.withLock { state -> Int in
            state.sequence = state.sequence % 9999 + 1
            return state.sequence
        }
        let sequenceText = String(sequence)
        return profile.fixmedinsCode + BeijingTime.compact(time.now()) + String(repeating: "0", count: 4 - sequenceText.count) + sequenceText
    }

    // MARK: Transactions

    /// 9001: signs in and keeps `sign_no` for later messages.
    @discardableResult
    public func signIn(mac: String, ip: String) async throws -> String {
        let answer = try await call("9001", input: .object(["signIn": .object(["opter_no": .string(profile.operatorID), "mac": .string(mac), "ip": .string(ip)])]))
        guard let signNo = answer.output["signinoutb"]?.objectValue["sign_no"]?.text ?? answer.output["sign_no"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "9001 answer lacks sign_no")
        }
        state.withLock { $0.signNo = signNo }
        return signNo
    }

    /// 1101: the insured person, with the personal-account balance per insurance type. `certificate`
    /// is checked first (a social-security card needs its `card_sn`; a resident ID number its check
    /// character); `name` (`psn_name`) where the region wants it.
    public func personInfo(_ certificate: MedicalCertificate, name: String? = nil) async throws -> PersonInfo {
        try certificate.validate()
        var data: [String: ConfigValue] = [
            "mdtrt_cert_type": .string(certificate.type(in: profile.region)), "mdtrt_cert_no": .string(certificate.number), "psn_cert_type": .string("01"),
        ]
        if let serial = certificate.cardSerial { data["card_sn"] = .string(serial) }
        if case .residentID(let number) = certificate { data["certno"] = .string(number) }
        if let name { data["psn_name"] = .string(name) }
        return try PersonInfo(output: try await call("1101", input: .object(["data": .object(data)])).output)
    }

    /// 2201: outpatient registration; returns `mdtrt_id`.
    public func register(_ registration: RegistrationRequest, insuredArea: String?) async throws -> String {
        let answer = try await call("2201", input: try registration.input(in: profile.region), insuredArea: insuredArea)
        guard let visit = answer.output["data"]?.objectValue["mdtrt_id"]?.text ?? answer.output["mdtrt_id"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "2201 answer lacks mdtrt_id")
        }
        return visit
    }

    /// 2202: cancels a registration (门诊挂号撤销) whose fees are undone.
    public func cancelRegistration(visitID: String, personID: String, outpatientNumber: String, insuredArea: String?) async throws {
        try RequiredFields.check("2202", ["psn_no": personID, "mdtrt_id": visitID, "ipt_otp_no": outpatientNumber])
        let data = ConfigValue.object(["psn_no": .string(personID), "mdtrt_id": .string(visitID), "ipt_otp_no": .string(outpatientNumber)])
        _ = try await call("2202", input: .object(["data": data]), insuredArea: insuredArea)
    }

    /// 2203: the visit's information and diagnoses.
    public func uploadVisit(_ visit: VisitInformation, insuredArea: String?) async throws {
        _ = try await call("2203", input: try visit.input, insuredArea: insuredArea)
    }

    /// 2204: uploads fee lines; returns the platform's per-line policy split (`result`).
    public func uploadFees(_ lines: [FeeDetail], insuredArea: String?) async throws -> [FeeDetailResult] {
        guard !lines.isEmpty else { throw ChannelError(.invalidRequest, channel: .insurance, reason: "2204 requires feedetail (at least one line)") }
        var rows: [ConfigValue] = []
        for line in lines { rows.append(try line.row) }
        let answer = try await call("2204", input: .object(["feedetail": .array(rows)]), insuredArea: insuredArea)
        let results = answer.output["result"]?.arrayValue ?? []
        var parsed: [FeeDetailResult] = []
        for result in results { parsed.append(try FeeDetailResult(result.objectValue)) }
        return parsed
    }

    /// 2205: undoes a fee detail upload batch (`0000` undoes every unsettled line of the visit).
    public func undoFees(visitID: String, chargeBatch: String, personID: String, insuredArea: String?) async throws {
        try RequiredFields.check("2205", ["mdtrt_id": visitID, "chrg_bchno": chargeBatch, "psn_no": personID])
        _ = try await call("2205", input: .object(["data": .object(["mdtrt_id": .string(visitID), "chrg_bchno": .string(chargeBatch), "psn_no": .string(personID)])]), insuredArea: insuredArea)
    }

    /// 2206: pre-settlement — the split the patient will see (with the policy amounts 2207 needs),
    /// nothing booked.
    public func preSettle(_ request: SettlementRequest, insuredArea: String?) async throws -> SettlementResult {
        try SettlementResult(setlinfo: try await call("2206", input: try request.preSettlementInput, insuredArea: insuredArea).output["setlinfo"]?.objectValue ?? [:])
    }

    /// 2207: settlement, with the policy amounts of `policy` unless the request carries its own. The
    /// answer is recorded as the platform booked it: a split that does not add up comes back as
    /// success with ``SettlementResult/inconsistency`` set, never as an error that would make the
    /// caller settle again. A timeout after sending comes back `Outcome/unknown(_:)` with the
    /// `msgid` in the status: resolve it with ``reverse(messageID:infno:personID:insuredArea:)``
    /// (2601) or ``settlement(sentAs:visitID:personID:insuredArea:)`` — never by settling again.
    public func settle(_ request: SettlementRequest, policy: PolicyAmounts? = nil, insuredArea: String?, messageID: String? = nil) async throws -> Outcome<SettlementResult> {
        let input = try request.settlementInput(policy: policy)
        do {
            let answer = try await call("2207", input: input, insuredArea: insuredArea, messageID: messageID)
            return .success(try SettlementResult(reading: answer.output["setlinfo"]?.objectValue ?? [:]), ChannelStatus(code: "0", subCode: answer.messageID))
        } catch let unknown as NHSAUnknownOutcome {
            return .unknown(ChannelStatus(code: "TIMEOUT", subCode: unknown.messageID, message: unknown.reason))
        } catch let error as ChannelError where error.code == .invalidRequest {
            return .failure(error.status ?? ChannelStatus(message: error.reason))
        }
    }

    /// 2208: undoes a settlement.
    public func undoSettlement(settlementID: String, visitID: String, personID: String, insuredArea: String?) async throws -> Outcome<SettlementResult> {
        let input = ConfigValue.object(["data": .object(["setl_id": .string(settlementID), "mdtrt_id": .string(visitID), "psn_no": .string(personID)])])
        do {
            let answer = try await call("2208", input: input, insuredArea: insuredArea)
            let info = answer.output["setlinfo"]?.objectValue ?? [:]
            return .success(try SettlementResult(setlinfo: info), ChannelStatus(code: "0", subCode: answer.messageID))
        } catch let unknown as NHSAUnknownOutcome {
            return .unknown(ChannelStatus(code: "TIMEOUT", subCode: unknown.messageID, message: unknown.reason))
        }
    }

    /// 2601: reverses a 2207/2208 whose outcome is unknown, naming the original `msgid` and `infno`.
    public func reverse(messageID: String, infno: String, personID: String, insuredArea: String?) async throws {
        _ = try await call("2601", input: .object(["data": .object(["psn_no": .string(personID), "omsgid": .string(messageID), "oinfno": .string(infno)])]), insuredArea: insuredArea)
    }

    /// 5261: the settlement as the platform booked it.
    public func querySettlement(settlementID: String, visitID: String, personID: String, insuredArea: String?) async throws -> SettlementResult {
        let input = ConfigValue.object(["data": .object(["setl_id": .string(settlementID), "mdtrt_id": .string(visitID), "psn_no": .string(personID)])])
        return try SettlementResult(setlinfo: try await call("5261", input: input, insuredArea: insuredArea).output["setlinfo"]?.objectValue ?? [:])
    }

    /// 5204: the visit's fee lines as the platform holds them, each with the `setl_id` that settled it
    /// (empty while unsettled).
    public func feeDetails(visitID: String, personID: String, insuredArea: String?) async throws -> [(serial: String, settlementID: String?)] {
        try RequiredFields.check("5204", ["psn_no": personID, "mdtrt_id": visitID])
        let answer = try await call("5204", input: .object(["data": .object(["psn_no": .string(personID), "mdtrt_id": .string(visitID)])]), insuredArea: insuredArea)
        // Public copies show the rows either as `output` itself or under `feedetail`/`data`.
        let rows = answer.rawOutput.arrayValue.isEmpty ? (answer.output["feedetail"] ?? answer.output["data"])?.arrayValue ?? [] : answer.rawOutput.arrayValue
        return rows.map { row in
            let fields = row.objectValue
            return (fields["feedetl_sn"]?.text ?? "", fields["setl_id"]?.text.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// 5203: one settlement's information (`setlinfo`, with `medins_setl_id`, the msgid it was sent
    /// under), read as booked.
    public func settlementInformation(settlementID: String, visitID: String, personID: String, insuredArea: String?) async throws -> SettlementResult {
        try RequiredFields.check("5203", ["psn_no": personID, "setl_id": settlementID, "mdtrt_id": visitID])
        let input = ConfigValue.object(["data": .object(["psn_no": .string(personID), "setl_id": .string(settlementID), "mdtrt_id": .string(visitID)])])
        return try SettlementResult(reading: try await call("5203", input: input, insuredArea: insuredArea).output["setlinfo"]?.objectValue ?? [:])
    }

    /// Whether a settlement sent under `messageID` was booked, from the platform's own records: the
    /// visit's fee lines (5204) and each settlement on them (5203), matched by `medins_setl_id`. Nil
    /// when the platform answered and none was booked under that msgid; throws when it did not
    /// answer (the caller then knows nothing and must not act).
    public func settlement(sentAs messageID: String, visitID: String, personID: String, insuredArea: String?) async throws -> SettlementResult? {
        let settled = Set(try await feeDetails(visitID: visitID, personID: personID, insuredArea: insuredArea).compactMap(\.settlementID))
        for settlementID in settled.sorted() {
            let settlement = try await settlementInformation(settlementID: settlementID, visitID: visitID, personID: personID, insuredArea: insuredArea)
            if settlement.messageID == messageID { return settlement }
        }
        return nil
    }

    /// 3201: total reconciliation for one insurance type / clearing type / clearing agency over a
    /// date range; `true` when the platform reports the totals balanced (`stmt_rslt` `0` or
    /// `000000`, ``NHSARegion/balancedResults``).
    public func totalReconciliation(_ totals: ReconciliationTotals) async throws -> (balanced: Bool, detail: String?) {
        let answer = try await call("3201", input: .object(["data": totals.input]))
        let info = answer.output["stmtinfo"]?.objectValue ?? [:]
        guard let result = info["stmt_rslt"]?.text else { throw ChannelError(.invalidResponse, channel: .insurance, reason: "3201 answer lacks stmt_rslt") }
        return (profile.region.balancedResults.contains(result), info["stmt_rslt_dscr"]?.text)
    }

    /// 9101 + 3202: uploads the hospital's settlement list in the format `format` writes — zipped
    /// when ``NHSARegion/zipDetailFile`` says so — then asks for detail reconciliation; returns the
    /// platform's `fileinfo` (`file_qury_no` and `filename` of the result, for
    /// ``detailReconciliationResult(_:)``).
    public func detailReconciliation(
        _ totals: ReconciliationTotals, settlements: [SettlementResult], format: any ReconciliationFileFormat
    ) async throws -> [String: ConfigValue] {
        var file = try format.file(for: settlements)
        if profile.region.zipDetailFile {
            file = (file.name + ".zip", try ZipWriter.archive([(file.name, file.contents)]))
        }
        let upload = try await call("9101", input: .object(["fsUploadIn": .object([
            "in": .string(Base64.encode(file.contents)), "filename": .string(file.name), "fixmedins_code": .string(profile.fixmedinsCode),
        ])]))
        guard let queryNo = upload.output["file_qury_no"]?.text ?? upload.output["data"]?.objectValue["file_qury_no"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "9101 answer lacks file_qury_no")
        }
        var data = totals.input.objectValue
        data["file_qury_no"] = .string(queryNo)
        data["cash_payamt"] = data.removeValue(forKey: "acct_pay").map { _ in .number(totals.cashPay.yuanString) }
        return try await call("3202", input: .object(["data": .object(data)])).output["fileinfo"]?.objectValue ?? [:]
    }

    /// 9102: downloads the 3202 result `fileinfo` names — the answer's body is the file itself — and
    /// reads it (``DetailReconciliationResult``).
    public func detailReconciliationResult(_ fileinfo: [String: ConfigValue]) async throws -> DetailReconciliationResult {
        try DetailReconciliationResult(file: try await detailReconciliationFile(fileinfo))
    }

    /// 9102: the 3202 result file `fileinfo` names, as the platform sends it (zipped or not), to keep
    /// as the day's insurance statement.
    public func detailReconciliationFile(_ fileinfo: [String: ConfigValue]) async throws -> Data {
        guard let queryNo = fileinfo["file_qury_no"]?.text, let name = fileinfo["filename"]?.text else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "3202 fileinfo lacks file_qury_no or filename")
        }
        let input = ConfigValue.object(["fsDownloadIn": .object([
            "file_qury_no": .string(queryNo), "filename": .string(name), "fixmedins_code": .string(profile.fixmedinsCode),
        ])])
        let (_, body) = envelope("9102", input: input, insuredArea: nil)
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "POST", url: "\(profile.gateway)/9102", headers: try headers(), body: Data(body.utf8)))
        } catch let error as TransportError {
            throw ChannelError(.transport, channel: .insurance, reason: "9102: \(error.reason)", isRetrySafe: true)
        }
        guard (200..<300).contains(response.status) else {
            throw ChannelError(.invalidResponse, channel: .insurance, reason: "9102 returned HTTP \(response.status)", status: ChannelStatus(httpStatus: response.status))
        }
        // A refusal comes as the usual JSON answer instead of the file.
        if let answer = ConfigValue.decode(response.body)?.objectValue, let code = answer["infcode"]?.text, code != "0" {
            throw ChannelError(.invalidRequest, channel: .insurance, reason: "9102 refused: \(answer["err_msg"]?.text ?? "no message")", status: ChannelStatus(code: code, message: answer["err_msg"]?.text))
        }
        return response.body
    }

}

/// A 2207/2208 sent but unanswered: its `msgid` is what 2601 reverses.
public struct NHSAUnknownOutcome: Error, Sendable, CustomStringConvertible {
    public let infno: String
    public let messageID: String
    public let reason: String
    public var description: String {
        // Mobile-pay calls (62xx–64xx) are resolved by the order's status (6301), the rest by reversal.
        "\(infno) msgid \(messageID) has an unknown outcome (\(reason)): \(infno.hasPrefix("6") ? "query the order (6301)" : "reverse it with 2601")"
    }
}
