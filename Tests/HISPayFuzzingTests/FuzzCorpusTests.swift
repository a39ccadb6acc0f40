import Foundation
import HISPayFuzzing
import Testing

/// The fuzz targets on the committed inputs: every seed of every target runs to an outcome, the seeds
/// named `valid-…` are accepted (so the harness really reaches the code behind the signature check),
/// those named `invalid-…` are refused, and every input that once crashed a target (`regressions/`)
/// is now refused with a typed error.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzzing")

    static func inputs(_ folder: String, _ target: FuzzTarget) -> [URL] {
        let directory = root.appendingPathComponent(folder).appendingPathComponent(target.name)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test func everyTargetHasSeedsAndTheyBehaveAsNamed() throws {
        for target in FuzzTarget.all {
            let seeds = Self.inputs("corpus", target)
            #expect(seeds.contains { $0.lastPathComponent.hasPrefix("valid-") }, "\(target.name) has no valid seed")
            for seed in seeds {
                let outcome = target.run(try Data(contentsOf: seed))
                if seed.lastPathComponent.hasPrefix("valid-") {
                    #expect(outcome == .accepted, "\(target.name)/\(seed.lastPathComponent): \(outcome)")
                } else if seed.lastPathComponent.hasPrefix("invalid-") {
                    #expect(!outcome.isAccepted, "\(target.name)/\(seed.lastPathComponent) was accepted")
                }
            }
        }
    }

    @Test func inputsThatOnceCrashedAreRefused() throws {
        for target in FuzzTarget.all {
            for input in Self.inputs("regressions", target) {
                #expect(!target.run(try Data(contentsOf: input)).isAccepted, "\(target.name)/\(input.lastPathComponent)")
            }
        }
    }

    @Test func targetsAreNamedOnce() {
        let names = FuzzTarget.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(FuzzTarget.named("statement-unionpay")?.name == "statement-unionpay")
        #expect(FuzzTarget.named("nothing") == nil)
    }
}
