/// What the HIS must present to the payer for a payment that waits on them.
public enum PayerAction: Hashable, Sendable {
    /// Text to render as a QR code (`code_url`, `qr_code`).
    case qrCode(String)
    /// A URL to open (`h5_url`, a signed Alipay WAP URL).
    case redirect(String)
    /// Parameters for the wallet's JSAPI call (`WeixinJSBridge`/`wx.requestPayment`, `my.tradePay`).
    case jsapiParameters([String: String])
    /// Parameters for the native app SDK call.
    case appParameters([String: String])
    /// An auto-submitting HTML form (UnionPay front consume, Alipay page pay).
    case htmlForm(String)
}
