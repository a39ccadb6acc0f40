import ArgumentParser
import Foundation
import HISPay
import HISPayGateway
import HISPayTesting

/// `hispay sandbox`: the local channel simulator — on loopback unless `--host` says otherwise — with
/// a log line per request on stderr (and at `GET /sandbox/requests`).
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Run the local channel simulator on loopback (WeChat Pay APIv3, Alipay gateway, UnionPay ACP, NHSA hospital interface and mobile-payment centre), with its own test keys.")

    @Option(help: "Address to listen on: loopback unless told otherwise (0.0.0.0: every address, for a HIS on another machine).")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free one (printed on stdout).")
    var port = 8090

    @Option(help: "Write a ready merchant profile (`sandbox`) pointing at the simulator to this file, with its key files beside it.")
    var writeConfig: String?

    @Option(help: "Where the simulator's callbacks go (written into the profile as notifyURL), e.g. a `hispay serve` URL.")
    var notifyUrl: String?

    @Option(parsing: .unconditional, help: "Seed for the simulator's ids, so runs are reproducible.")
    var seed = 1

    @Option(parsing: .unconditional, help: "Seconds after which a QR/JSAPI/H5/app order is paid.")
    var payDelay = 1.0

    @Option(help: "Keep the sandbox's keys, certificates and orders in this folder, so a HIS configured against it keeps working across restarts.")
    var stateDir: String?

    @Flag(help: "Statements appear only at the channels' publication hours on the next day (WeChat Pay 10:00, Alipay and UnionPay 09:00), as in production; POST /sandbox/clock moves the clock.")
    var publicationHours = false

    func run() async throws {
        guard (0...65535).contains(port) else { throw CLIError("--port must be 0…65535") }
        guard payDelay >= 0 else { throw CLIError("--pay-delay must be ≥ 0") }
        let keys: SandboxKeys
        do {
            keys = try stateDir.map { try SandboxKeys(stateDirectory: URL(fileURLWithPath: $0)) } ?? SandboxKeys()
        } catch let error as SandboxKeys.StateError {
            throw CLIError("--state-dir: \(error.description)")
        }
        let deliver = SandboxServer.delivery(CurlTransport(configuration: .init(proxy: .direct)))
        let delay = Duration.milliseconds(Int(payDelay * 1000))
        let clock = SandboxClock()
        clock.followPublicationHours(publicationHours)
        // One JSON line per request on stderr: what an integrator looks at first.
        let log = SandboxRequestLog { entry in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let line = try? encoder.encode(entry) { FileHandle.standardError.write(line + Data("\n".utf8)) }
        }
        do {
            try await serve(keys: keys, delay: delay, clock: clock, log: log, deliver: deliver)
        } catch {
            throw ListenFailure.error(error, addresses: ["\(host):\(port)"]) ?? error
        }
    }

    /// Runs the simulators until stopped, announcing the URL (and writing the profile) once listening.
    private func serve(
        keys: SandboxKeys, delay: Duration, clock: SandboxClock, log: SandboxRequestLog, deliver: @escaping @Sendable (HISPayCore.HTTPRequest) async -> Void
    ) async throws {
        let simulator = WeChatPaySimulator(keys: keys, payDelay: delay, seed: seed, clock: clock, deliver: deliver)
        let alipay = AlipaySimulator(keys: keys, payDelay: delay, seed: seed, clock: clock, deliver: deliver)
        let nhsa = NHSASimulator(seed: seed)
        let mobilePay = try MobilePayCentreSimulator(keys: keys, seed: seed)
        let unionPay = UnionPaySimulator(keys: keys.unionPay, payDelay: delay, seed: seed, clock: clock, deliver: deliver)
        let orders = stateDir.map { directory in
            SandboxOrderStore(
                directory: URL(fileURLWithPath: directory), wechatPay: simulator, alipay: alipay, unionPay: unionPay, insurance: nhsa, mobilePay: mobilePay
            ) { failure in FileHandle.standardError.write(Data("hispay: --state-dir: \(failure.description)\n".utf8)) }
        }
        do {
            try await orders?.restore()
        } catch {
            throw CLIError("--state-dir: \(error.description)")
        }
        let configPath = writeConfig
        let notifyURL = notifyUrl
        try await SandboxServer.run(
            simulator: simulator, alipay: alipay, nhsa: nhsa, mobilePay: mobilePay, unionPay: unionPay, clock: clock, host: host, port: port, log: log, orders: orders
        ) { url in
            var line = #"{"listening":"\#(url)""#
            if let configPath {
                do {
                    try keys.writeConfig(to: URL(fileURLWithPath: configPath), baseURL: url, notifyURL: notifyURL)
                    line += #","config":"\#(configPath)""#
                } catch {
                    FileHandle.standardError.write(Data("hispay: cannot write \(configPath): \(FileFailure.reason(error))\n".utf8))
                }
            }
            FileHandle.standardOutput.write(Data((line + "}\n").utf8))
        }
    }
}
