import Foundation
import HISPayFuzzing

// hispay-fuzz TARGET [libFuzzer options and corpus directories]
//
// Built by scripts/fuzz.sh with coverage instrumentation and -DHISPAY_FUZZ, it hands TARGET's inputs
// to libFuzzer (LLVMFuzzerRunDriver). Built plainly (swift build), it replays the files and
// directories given through TARGET and prints one JSON line per input: how a crash found by the
// fuzzer is reproduced under the debugger or in an ordinary build. `hispay-fuzz --list` names the targets.

let arguments = CommandLine.arguments
guard arguments.count >= 2, arguments[1] != "--help" else {
    FileHandle.standardError.write(Data("usage: hispay-fuzz TARGET [libFuzzer options] [CORPUS_DIR...] | hispay-fuzz --list\n".utf8))
    exit(2)
}
if arguments[1] == "--list" {
    for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
    exit(0)
}
guard let target = FuzzTarget.named(arguments[1]) else {
    FileHandle.standardError.write(Data("hispay-fuzz: no target \(arguments[1]); --list names them\n".utf8))
    exit(2)
}

#if HISPAY_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target libFuzzer's C callback runs (it cannot capture).
nonisolated(unsafe) var selected = target
// libFuzzer sees argv without the target name.
var driverArguments = [arguments[0]] + arguments.dropFirst(2)
var cStrings: [UnsafeMutablePointer<CChar>?] = driverArguments.map { strdup($0) } + [nil]
var argc = Int32(driverArguments.count)
let status = cStrings.withUnsafeMutableBufferPointer { buffer in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return runDriver(&argc, &argv) { bytes, count in
        _ = selected.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }
}
exit(status)
#else
var files: [URL] = []
for path in arguments.dropFirst(2) where !path.hasPrefix("-") {
    let url = URL(fileURLWithPath: path)
    if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
        files += names.sorted().map { url.appendingPathComponent($0) }
    } else {
        files.append(url)
    }
}
for file in files {
    guard let data = FileManager.default.contents(atPath: file.path) else {
        FileHandle.standardError.write(Data("hispay-fuzz: cannot read \(file.path)\n".utf8))
        exit(1)
    }
    let line: [String: String]
    switch target.run(data) {
    case .accepted: line = ["input": file.path, "outcome": "accepted"]
    case .rejected(let reason): line = ["input": file.path, "outcome": "rejected", "reason": reason]
    }
    print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
}
#endif
