/// The channel's own words about a result, kept verbatim: WeChat `code`/`err_code`, Alipay
/// `code`/`sub_code`/`sub_msg`, UnionPay `respCode`/`origRespCode`, NHSA `infcode`/`err_msg`.
public struct ChannelStatus: Hashable, Sendable, CustomStringConvertible {
    public var code: String?
    public var subCode: String?
    public var message: String?
    public var httpStatus: Int?

    public init(code: String? = nil, subCode: String? = nil, message: String? = nil, httpStatus: Int? = nil) {
        self.code = code
        self.subCode = subCode
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String {
        [
            httpStatus.map { "http=\($0)" }, code.map { "code=\($0)" }, subCode.map { "subCode=\($0)" },
            message.map { "message=\($0)" },
        ].compactMap { $0 }.joined(separator: " ")
    }
}
