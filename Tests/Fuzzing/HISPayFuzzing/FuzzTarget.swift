import Foundation

/// One coverage-guided fuzz target: a parser or verifier that takes untrusted bytes. `run` must
/// return for every input — a typed error is a rejection — and traps (`preconditionFailure`) only
/// when an invariant breaks: a forged callback accepted, a statement whose records disagree with the
/// totals it was accepted with, an error of a type the API does not promise.
///
/// `hispay-fuzz` drives these under libFuzzer (`scripts/fuzz.sh`); the test suite replays the
/// committed seed corpora and every regression input through them.
public struct FuzzTarget: Sendable {
    /// The name used on the command line and as the corpus folder (`Tests/Fuzzing/corpus/NAME`).
    public let name: String
    /// What the target feeds the input to.
    public let summary: String
    /// Runs one input.
    public let run: @Sendable (Data) -> FuzzOutcome

    public init(name: String, summary: String, run: @escaping @Sendable (Data) -> FuzzOutcome) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// Every target, callbacks first, then statements, then the files people edit.
    public static let all: [FuzzTarget] = [
        .wechatPayV3Callback, .wechatPayV2Callback, .alipayCallback, .unionPayCallback, .unionPayResponse, .insuranceCallback,
        .wechatPayStatement, .alipayStatement, .unionPayStatement, .insuranceStatement, .configuration, .ledgerCSV, .partnerWorkbook,
    ]

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
