/// Where and how the patient pays.
public enum PaymentScene: Hashable, Sendable {
    /// The patient shows a payment code (付款码) and the counter scans it.
    case barcode(authCode: String)
    /// The channel returns a QR code the patient scans (Native / precreate / merchant-presented QR).
    case qrCode
    /// In-app web page of WeChat (official account, mini program) or Alipay (service window 生活号).
    case jsapi(JSAPIPayer)
    /// A mobile browser page outside the wallet apps.
    case h5(clientIP: String)
    /// A native hospital app with the wallet SDK.
    case app

    /// The scene without its data, for capability sets.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        public static let barcode = Kind("barcode")
        public static let qrCode = Kind("qrCode")
        public static let jsapi = Kind("jsapi")
        public static let h5 = Kind("h5")
        public static let app = Kind("app")
    }

    /// This scene's kind.
    public var kind: Kind {
        switch self {
        case .barcode: .barcode
        case .qrCode: .qrCode
        case .jsapi: .jsapi
        case .h5: .h5
        case .app: .app
        }
    }
}
