import Foundation
import HISPayCore

/// The simulators' orders kept in a sandbox state directory (`sandbox-orders.json`), so a HIS that
/// placed an order before the sandbox restarted can still query, pay, refund and reconcile it after.
///
/// Every request a simulator answers is written before its answer leaves (``changed()``); what the
/// simulated patients do on their own (paying after `payDelay`) is written within a second, and all
/// of it when the server stops. Orders the patient had not yet paid are paid `payDelay` after the
/// restart, their callbacks sent as usual.
public actor SandboxOrderStore {
    /// The file's layout: each simulator's own state, absent for one the sandbox does not run.
    struct Contents: Codable {
        var wechatPay: WeChatPaySimulator.Saved?
        var alipay: AlipaySimulator.Saved?
        var unionPay: UnionPaySimulator.Saved?
        var insurance: NHSASimulator.Saved?
        var mobilePay: MobilePayCentreSimulator.Saved?
    }

    /// `sandbox-orders.json` in the state directory.
    public nonisolated let file: URL
    private let wechatPay: WeChatPaySimulator
    private let alipay: AlipaySimulator?
    private let unionPay: UnionPaySimulator?
    private let insurance: NHSASimulator?
    private let mobilePay: MobilePayCentreSimulator?
    private let onFailure: @Sendable (SandboxKeys.StateError) -> Void
    /// Changes asked to be written, and how many of them are.
    private var requested = 0
    private var written = 0
    private var writing = false
    private var waiting: [(generation: Int, continuation: CheckedContinuation<Void, Never>)] = []
    /// The bytes last written, so an unchanged state is not written again.
    private var lastWritten: Data?

    /// Keeps the orders of the given simulators in `directory`; a write that fails goes to
    /// `onFailure` (the sandbox keeps answering).
    public init(
        directory: URL, wechatPay: WeChatPaySimulator, alipay: AlipaySimulator? = nil, unionPay: UnionPaySimulator? = nil, insurance: NHSASimulator? = nil,
        mobilePay: MobilePayCentreSimulator? = nil, onFailure: @escaping @Sendable (SandboxKeys.StateError) -> Void = { _ in }
    ) {
        file = directory.appendingPathComponent("sandbox-orders.json")
        (self.wechatPay, self.alipay, self.unionPay, self.insurance, self.mobilePay) = (wechatPay, alipay, unionPay, insurance, mobilePay)
        self.onFailure = onFailure
    }

    /// Gives the simulators back the orders saved in the directory (none when it holds no file).
    public func restore() async throws(SandboxKeys.StateError) {
        guard let data = FileManager.default.contents(atPath: file.path) else { return }
        let contents: Contents
        do {
            contents = try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            throw SandboxKeys.StateError(description: "\(file.path) is not the sandbox's order file (move it away to start with no orders)")
        }
        if let saved = contents.wechatPay { await wechatPay.restore(saved) }
        if let saved = contents.alipay { await alipay?.restore(saved) }
        if let saved = contents.unionPay { await unionPay?.restore(saved) }
        if let saved = contents.insurance { await insurance?.restore(saved) }
        if let saved = contents.mobilePay { await mobilePay?.restore(saved) }
        lastWritten = data
    }

    /// Writes the simulators' state, returning once everything changed before the call is on disk.
    /// Calls that come while a write is under way wait for the next one, which covers them all.
    public func changed() async {
        requested += 1
        let generation = requested
        guard !writing else {
            await withCheckedContinuation { waiting.append((generation, $0)) }
            return
        }
        writing = true
        while written < requested {
            let target = requested
            await write()
            written = target
            let done = waiting.filter { $0.generation <= target }
            waiting.removeAll { $0.generation <= target }
            for waiter in done { waiter.continuation.resume() }
        }
        writing = false
    }

    /// Gathers the simulators' state (after every change asked for so far) and writes it if it differs.
    private func write() async {
        let contents = Contents(
            wechatPay: await wechatPay.saved(), alipay: await alipay?.saved(), unionPay: await unionPay?.saved(), insurance: await insurance?.saved(),
            mobilePay: await mobilePay?.saved())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            let data = try encoder.encode(contents)
            guard data != lastWritten else { return }
            try data.write(to: file, options: .atomic)
            lastWritten = data
        } catch {
            onFailure(SandboxKeys.StateError(description: "cannot write \(file.path): \(FileFailure.reason(error))"))
        }
    }
}
