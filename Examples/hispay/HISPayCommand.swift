import ArgumentParser
import HISPay

/// The example CLI: JSON on stdout, human messages on stderr, a one-line reason and a non-zero
/// exit when it refuses something.
@main
struct HISPayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hispay",
        abstract: "Hospital payments through WeChat Pay, Alipay, UnionPay and medical insurance.",
        version: HISPayVersion.string,
        subcommands: [SelfCheckCommand.self, ConfigCheckCommand.self, SignCommand.self, NotifyCommand.self, BillCommand.self, SettleCommand.self, CardCommand.self, EventsCommand.self, ServeCommand.self, ResolveCommand.self, ReconcileCommand.self, SandboxCommand.self, DemoCommand.self]
    )
}
