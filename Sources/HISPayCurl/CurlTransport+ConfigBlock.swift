import Foundation
import HISPayCore

extension CurlTransport.Configuration {
    /// Reads the optional top-level `transport` block of a configuration file:
    ///
    /// ```json
    /// "transport": {"proxy": "http://proxy.hospital.local:3128", "caFile": "certs/proxy-ca.pem",
    ///               "connectTimeoutSeconds": 10, "timeoutSeconds": 30, "maxConcurrentRequests": 4}
    /// ```
    /// `proxy` may also be `"direct"` (ignore the environment) or `"environment"` (the default).
    public init(settings: ConfigBlock?) throws(ConfigurationError) {
        self.init()
        guard let settings else { return }
        try settings.rejectUnknownKeys(allowed: ["proxy", "caFile", "connectTimeoutSeconds", "timeoutSeconds", "maxConcurrentRequests"])
        switch try settings.optionalString("proxy") {
        case nil, "environment"?: proxy = .environment
        case "direct"?: proxy = .direct
        case let url?: proxy = .url(url)
        }
        if try settings.optionalString("caFile") != nil { trustedCAs = try settings.fileBytes("caFile") }
        if let seconds = try settings.int("connectTimeoutSeconds") {
            guard seconds > 0 else { throw ConfigurationError(.invalidValue, "\(settings.path).connectTimeoutSeconds must be positive") }
            connectTimeout = .seconds(seconds)
        }
        if let seconds = try settings.int("timeoutSeconds") {
            guard seconds > 0 else { throw ConfigurationError(.invalidValue, "\(settings.path).timeoutSeconds must be positive") }
            defaultTimeout = .seconds(seconds)
        }
        if let count = try settings.int("maxConcurrentRequests") {
            guard (1...64).contains(count) else {
                throw ConfigurationError(.invalidValue, "\(settings.path).maxConcurrentRequests must be 1…64")
            }
            maximumConcurrentRequests = count
        }
    }
}
