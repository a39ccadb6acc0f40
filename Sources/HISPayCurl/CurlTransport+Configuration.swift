import HISPayCore

/// How the curl transport connects.
extension CurlTransport {
    public struct Configuration: Sendable {
        /// Where requests go through. Hospital intranets usually reach the gateways through one proxy.
        public enum Proxy: Sendable, Hashable {
            /// Honour `https_proxy`/`http_proxy`/`no_proxy` from the environment (libcurl's default).
            case environment
            /// Connect directly, ignoring the environment.
            case direct
            /// Use this proxy URL, e.g. `http://proxy.hospital.local:3128` (credentials may be in the URL).
            case url(String)
        }

        /// PEM or PKCS#12 bytes plus what opens them.
        public struct ClientCertificate: Sendable {
            enum Form: Sendable {
                case pem(certificate: [UInt8], privateKey: [UInt8], password: String?)
                case pkcs12(bytes: [UInt8], password: String)
            }

            let form: Form

            /// A PEM certificate (chain) and its PEM private key (encrypted when `password` is given).
            public static func pem(certificate: [UInt8], privateKey: [UInt8], password: String? = nil) -> ClientCertificate {
                ClientCertificate(form: .pem(certificate: certificate, privateKey: privateKey, password: password))
            }

            /// A PKCS#12 file (WeChat Pay v2 `apiclient_cert.p12`, password = merchant id).
            public static func pkcs12(_ bytes: [UInt8], password: String) -> ClientCertificate {
                ClientCertificate(form: .pkcs12(bytes: bytes, password: password))
            }
        }

        /// Time allowed to establish the connection (TCP + TLS).
        public var connectTimeout: Duration
        /// Total time allowed per request when the request sets none.
        public var defaultTimeout: Duration
        public var proxy: Proxy
        /// PEM CA certificates to trust instead of the system bundle (e.g. a hospital's TLS-inspecting proxy CA).
        public var trustedCAs: [UInt8]?
        /// A client certificate for mutual TLS.
        public var clientCertificate: ClientCertificate?
        /// Requests in flight at once; each runs on its own worker thread, off Swift's cooperative pool.
        public var maximumConcurrentRequests: Int
        public var userAgent: String
        /// TLS peer verification. Always on, unless a test turns it off explicitly.
        public private(set) var verifiesPeer: Bool

        public init(
            connectTimeout: Duration = .seconds(10),
            defaultTimeout: Duration = .seconds(30),
            proxy: Proxy = .environment,
            trustedCAs: [UInt8]? = nil,
            clientCertificate: ClientCertificate? = nil,
            maximumConcurrentRequests: Int = 4,
            userAgent: String = "HISPay/\(HISPayVersion.string)"
        ) {
            self.connectTimeout = connectTimeout
            self.defaultTimeout = defaultTimeout
            self.proxy = proxy
            self.trustedCAs = trustedCAs
            self.clientCertificate = clientCertificate
            self.maximumConcurrentRequests = max(1, maximumConcurrentRequests)
            self.userAgent = userAgent
            self.verifiesPeer = true
        }

        /// Turns TLS verification off. For tests against self-signed loopback servers only.
        public mutating func disablePeerVerificationForTesting() {
            verifiesPeer = false
        }
    }
}
