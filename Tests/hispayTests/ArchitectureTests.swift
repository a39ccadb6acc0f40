import Foundation
import Testing

/// The dependency rules of the README's architecture, read from the sources and `Package.swift`:
/// a channel module imports no other channel, no insurance and nothing above it; reconciliation
/// knows no channel; and nothing a hospital app imports through `HISPay` depends on `HISPayTesting`.
@Suite struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let channels = ["WeChatPay", "Alipay", "UnionPay"]
    /// Modules above the channels.
    static let upper = ["MedicalInsurance", "HospitalCard", "HISPayStore", "HISPayService", "HISPayGateway", "HISPayTesting", "Reconciliation", "HISPay"]

    /// The modules each file of `module` imports, by file.
    static func imports(of module: String) throws -> [String: Set<String>] {
        let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
        var found: [String: Set<String>] = [:]
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            found[file.lastPathComponent] = Set(lines.compactMap { line in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count else { return nil }
                return words[..<index].allSatisfy({ $0.hasPrefix("@") || ["package", "public", "internal"].contains($0) }) ? String(words[index + 1]) : nil
            })
        }
        #expect(!found.isEmpty, "no sources under \(folder.path)")
        return found
    }

    /// Each target's direct dependencies in `Package.swift` (targets and products by name).
    static func packageDependencies() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"name: "([A-Za-z-]+)",\s*dependencies: \[((?:(?!\.(?:target|testTarget|executableTarget)\().)*?)\]\s*[,)]"#, options: [.dotMatchesLineSeparators])
        var dependencies: [String: Set<String>] = [:]
        for match in pattern.matches(in: manifest, range: NSRange(manifest.startIndex..., in: manifest)) {
            let name = String(manifest[Range(match.range(at: 1), in: manifest)!])
            let list = String(manifest[Range(match.range(at: 2), in: manifest)!])
            let names = try NSRegularExpression(pattern: #"(?:^|[\[,\s])"([A-Za-z-]+)""#).matches(in: list, range: NSRange(list.startIndex..., in: list))
                .map { String(list[Range($0.range(at: 1), in: list)!]) }
            dependencies[name] = Set(names)
        }
        return dependencies
    }

    @Test func noChannelImportsAnotherChannelOrAnythingAboveIt() throws {
        for channel in Self.channels {
            for (file, modules) in try Self.imports(of: channel) {
                let wrong = modules.intersection(Self.channels.filter { $0 != channel } + Self.upper)
                #expect(wrong.isEmpty, "Sources/\(channel)/\(file) imports \(wrong.sorted())")
            }
        }
        // The card is a channel the hospital operates: its "gateway" is the store's card ledger, so it
        // may use the store — and nothing else above the channels, nor any channel.
        for (file, modules) in try Self.imports(of: "HospitalCard") {
            let wrong = modules.intersection(Self.channels + Self.upper.filter { $0 != "HISPayStore" && $0 != "HospitalCard" })
            #expect(wrong.isEmpty, "Sources/HospitalCard/\(file) imports \(wrong.sorted())")
        }
        for (file, modules) in try Self.imports(of: "MedicalInsurance") {
            let wrong = modules.intersection(Self.channels + Self.upper.filter { $0 != "MedicalInsurance" })
            #expect(wrong.isEmpty, "Sources/MedicalInsurance/\(file) imports \(wrong.sorted())")
        }
    }

    @Test func reconciliationKnowsNoChannel() throws {
        for (file, modules) in try Self.imports(of: "Reconciliation") {
            #expect(modules.isSubset(of: ["Foundation", "HISPayCore"]), "Sources/Reconciliation/\(file) imports \(modules.sorted())")
        }
        // Nor names one in its code (comments may).
        let folder = Self.root.appendingPathComponent("Sources/Reconciliation")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let code = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            for channel in [".wechatPay", ".wechatPayV2", ".alipay", ".unionPay", ".insurance", "\"wechatpay", "\"alipay", "\"unionpay", "\"insurance"] {
                #expect(!code.contains { $0.contains(channel) }, "Sources/Reconciliation/\(name) names the channel \(channel)")
            }
        }
    }

    @Test func theProductionModulesDoNotDependOnTheTestingProduct() throws {
        let dependencies = try Self.packageDependencies()
        for module in ["HISPay", "HISPayService", "HISPayGateway", "HISPayCore"] + Self.channels {
            #expect(dependencies[module] != nil, "Package.swift has no target \(module) with dependencies")
        }
        // Everything HISPay reaches, transitively.
        var reached: Set<String> = []
        var pending = ["HISPay", "HISPayGateway"]
        while let next = pending.popLast() {
            for dependency in dependencies[next] ?? [] where reached.insert(dependency).inserted { pending.append(dependency) }
        }
        #expect(!reached.contains("HISPayTesting"), "HISPay or HISPayGateway depends on HISPayTesting")
        #expect(reached.isSuperset(of: ["HISPayService", "WeChatPay", "MedicalInsurance"]))
        for channel in Self.channels {
            let wrong = (dependencies[channel] ?? []).intersection(Self.channels + Self.upper)
            #expect(wrong.isEmpty, "Package.swift: \(channel) depends on \(wrong.sorted())")
        }
        for (file, modules) in try Self.imports(of: "HISPay") {
            #expect(!modules.contains("HISPayTesting"), "Sources/HISPay/\(file) re-exports HISPayTesting")
        }
    }

    /// Every module a target's files import is one it depends on, directly or through another
    /// target (the build may otherwise find it only because another target happened to build it
    /// first — which a ThreadSanitizer build of a subset did not).
    @Test func everyImportIsADeclaredDependency() throws {
        let dependencies = try Self.packageDependencies()
        let system: Set = ["Foundation", "FoundationXML", "Testing", "Synchronization", "Dispatch", "Glibc", "XCTest"]
        let folders = [
            "hispay": "Examples/hispay", "his-server": "Examples/his-server", "hispay-bench": "Benchmarks/hispay-bench",
            "HISPayFuzzing": "Tests/Fuzzing/HISPayFuzzing", "hispay-fuzz": "Tests/Fuzzing/hispay-fuzz", "HISPayTestSupport": "Tests/HISPayTestSupport",
        ]
        func reach(_ target: String) -> Set<String> {
            var reached: Set<String> = [target]
            var pending = [target]
            while let next = pending.popLast() {
                for dependency in dependencies[next] ?? [] where reached.insert(dependency).inserted { pending.append(dependency) }
            }
            return reached
        }
        var checked = 0
        for target in dependencies.keys {
            let folder = Self.root.appendingPathComponent(folders[target] ?? (target.hasSuffix("Tests") ? "Tests/\(target)" : "Sources/\(target)"))
            guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            let allowed = reach(target)
            for case let file as URL in files where file.pathExtension == "swift" {
                checked += 1
                for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                    let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
                    guard words.count >= 2, words[0] == "import" else { continue }
                    let module = String(words[1])
                    #expect(system.contains(module) || module.hasPrefix("CHISPay") || allowed.contains(module), "\(target): \(file.lastPathComponent) imports \(module), not a dependency")
                }
            }
        }
        #expect(checked > 300)
    }
}
