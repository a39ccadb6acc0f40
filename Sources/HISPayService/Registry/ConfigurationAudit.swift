import Foundation
import HISPayCore
import HISPayCrypto

/// Everything a command would meet loading a configuration, found at once (`hispay config-check`):
/// every channel block of every merchant is built as a payment channel and as a callback verifier —
/// reading its key and certificate files and `env:` secrets — and each failure is reported with its
/// JSON path, with every other file and `env:` variable the block names that is missing; a key no channel reads is reported with the key probably meant (`mchid` → `mchId`); a
/// certificate file is checked for expiry (a warning within 30 days, an error once expired).
public enum ConfigurationAudit {
    /// One problem.
    public struct Finding: Sendable, Hashable, Encodable {
        public enum Severity: String, Sendable, Encodable {
            /// A command using this configuration would fail.
            case error
            /// It works today; look at it soon.
            case warning
        }

        public let severity: Severity
        /// Where: a key or block (`merchants[0].wechatpay.mchid`).
        public let path: String
        public let message: String
    }

    /// How long before its end a certificate is reported.
    public static let expiryWarning: TimeInterval = 30 * 86_400

    /// The findings for `configuration`, errors first, each in file order.
    public static func findings(
        in configuration: HISPayConfiguration, registry: ChannelRegistry, transports: any TransportProvider, now: Date = Date()
    ) -> [Finding] {
        var findings: [Finding] = []
        for merchant in configuration.merchants {
            for id in merchant.channels {
                guard let block = merchant.block(for: id), let descriptor = try? registry.descriptor(for: id) else { continue }
                let built = audit(block, descriptor: descriptor, merchant: merchant.name, transports: transports)
                // A channel stops at its first missing file or variable: the others are found by looking.
                let missing = block.unresolvedReferences().map { finding($0, in: block) }.filter { found in !built.contains { $0.path == found.path || $0.message == found.message } }
                findings += built + missing
                findings += certificates(in: block, now: now)
            }
        }
        return findings.filter { $0.severity == .error } + findings.filter { $0.severity == .warning }
    }

    /// Builds the block's channel and verifier and reports their failures. A key the channel refuses
    /// as unknown is reported and respelled as meant (or taken out), and the block built again, so
    /// the problems behind it are found too; when both build, the keys neither read are reported.
    private static func audit(_ block: ConfigBlock, descriptor: ChannelDescriptor, merchant: String, transports: any TransportProvider) -> [Finding] {
        var block = block
        var findings: [Finding] = []
        for _ in 0..<32 {
            let log = ConfigBlock.KeyLog()
            let (failures, warnings) = build(block.logging(to: log), descriptor: descriptor, merchant: merchant, transports: transports)
            if let unknown = failures.lazy.compactMap({ $0 as? ConfigurationError }).first(where: { $0.code == .unknownKey }),
                case let found = finding(unknown, in: block), found.path.hasPrefix(block.path + "."),
                case let key = String(found.path.dropFirst(block.path.count + 1)), block.keys.contains(key)
            {
                findings.append(found)
                // Spelled as meant, the key's value is checked too; nothing else is reported twice.
                let meant = found.message.range(of: "did you mean ").map { String(found.message[$0.upperBound...].prefix { $0 != "?" }) }
                block = block.removing(key, meant: meant)
                continue
            }
            for failure in failures {
                let found = finding(failure, in: block)
                if !findings.contains(found) { findings.append(found) }
            }
            findings += warnings
            guard failures.isEmpty else { return findings }
            let asked = log.paths
            for path in keyPaths(block) where !asked.contains(path) {
                let parent = String(path[..<path.lastIndex(of: ".")!])
                let name = String(path.dropFirst(parent.count + 1))
                let siblings = asked.filter { $0.hasPrefix(parent + ".") && !$0.dropFirst(parent.count + 1).contains(".") }.map { String($0.dropFirst(parent.count + 1)) }
                let meant = ConfigBlock.closest(to: name, in: siblings)
                findings.append(Finding(severity: .error, path: path, message: "\(descriptor.name) reads no key \(name)" + (meant.map { " (did you mean \($0)?)" } ?? "")))
            }
            return findings
        }
        return findings
    }

    /// The block built as the channel's verifier and as the channel: the errors, and the warning of a
    /// verify-only block (it takes callbacks; payments and queries are made on another node).
    private static func build(
        _ block: ConfigBlock, descriptor: ChannelDescriptor, merchant: String, transports: any TransportProvider
    ) -> (failures: [any Error], warnings: [Finding]) {
        let setup = ChannelSetup(block: block, merchant: merchant, transports: transports)
        var failures: [any Error] = []
        var warnings: [Finding] = []
        var verifies = false
        do { verifies = try descriptor.makeVerifier(setup) != nil } catch { failures.append(error) }
        if let make = descriptor.makeChannel {
            do {
                _ = try make(setup)
            } catch let error as ConfigurationError where error.code == .missingKey && verifies {
                warnings.append(Finding(severity: .warning, path: block.path, message: "verify-only (\(error.description)): callbacks are verified; payments and queries need the key"))
            } catch {
                failures.append(error)
            }
        }
        return (failures, warnings)
    }

    /// An error as a finding: placed at the key its message starts with, when it names one of the block.
    private static func finding(_ error: any Error, in block: ConfigBlock) -> Finding {
        let text = String(describing: error)
        if text.hasPrefix(block.path), let space = text.firstIndex(of: " ") {
            let path = String(text[..<space]).trimmingCharacters(in: CharacterSet(charactersIn: ":,"))
            return Finding(severity: .error, path: path, message: String(text[text.index(after: space)...]))
        }
        return Finding(severity: .error, path: block.path, message: text)
    }

    /// The paths of a block's keys, and of the keys of the objects within it.
    private static func keyPaths(_ block: ConfigBlock) -> [String] {
        block.keys.flatMap { key -> [String] in
            if case .object? = block.entries[key], let inner = try? block.block(key) { return ["\(block.path).\(key)"] + keyPaths(inner) }
            return ["\(block.path).\(key)"]
        }
    }

    /// Certificates among the files the block names: expired is an error, ending within 30 days a warning.
    private static func certificates(in block: ConfigBlock, now: Date) -> [Finding] {
        var findings: [Finding] = []
        for key in block.keys {
            let files: [String]
            switch block.entries[key] {
            case .string(let file)?: files = [file]
            case .array(let items)?: files = items.compactMap(\.text)
            case .object?:
                if let inner = try? block.block(key) { findings += certificates(in: inner, now: now) }
                continue
            default: continue
            }
            for file in files where !file.hasPrefix("env:") && !file.contains("://") {
                let url = block.resolved(file)
                guard let data = FileManager.default.contents(atPath: url.path), data.count < 1 << 20 else { continue }
                for certificate in parse(data) {
                    let end = certificate.notAfter
                    let day = BeijingTime.format(end).prefix(10)
                    if end <= now {
                        findings.append(Finding(severity: .error, path: "\(block.path).\(key)", message: "the certificate \(url.lastPathComponent) expired on \(day)"))
                    } else if end.timeIntervalSince(now) < expiryWarning {
                        let days = Int(end.timeIntervalSince(now) / 86_400)
                        findings.append(Finding(severity: .warning, path: "\(block.path).\(key)", message: "the certificate \(url.lastPathComponent) expires on \(day), in \(days) days"))
                    }
                }
            }
        }
        return findings
    }

    /// The certificates of a PEM file (each `BEGIN CERTIFICATE` block) or a DER one; none for other files.
    private static func parse(_ data: Data) -> [Certificate] {
        let marker = "-----BEGIN CERTIFICATE-----"
        if let text = String(data: data, encoding: .utf8), text.contains(marker) {
            return text.components(separatedBy: marker).dropFirst().compactMap { try? Certificate(pem: marker + $0) }
        }
        guard data.first == 0x30 else { return [] }  // DER starts with a SEQUENCE
        return (try? Certificate(pemOrDER: [UInt8](data))).map { [$0] } ?? []
    }
}
