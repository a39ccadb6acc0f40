import Foundation
import HISPayCore
import HISPayCurl
import HISPayTestSupport
import Testing
import HISPayTesting

@Suite(.serialized) struct CassetteRoundTripTests {
    @Test func recordAgainstLoopbackThenReplayWithoutIt() async throws {
        let apiKey = "ZzTestApiKeyNeverInCassettes0001"
        let redactor = Redactor.standard.adding(secret: apiKey, as: "API_KEY")
        let requests = [
            HTTPRequest(
                method: "POST", url: "", headers: ["Content-Type": "application/json", "X-Api-Key": apiKey, "Authorization": "SIG abc=="],
                body: Data(#"{"out_trade_no":"REG20261122001","total":1230,"access_token":"tok-1"}"#.utf8)),
            HTTPRequest(method: "GET", url: "", headers: ["Accept": "application/json"]),
        ]

        let server = try LoopbackServer()
        let live = requests.map { request in
            var copy = request
            copy.url = server.url(request.method == "POST" ? "/echo?app_auth_token=tok-2" : "/status/404")
            return copy
        }
        let recorder = RecordingTransport(wrapping: CurlTransport(configuration: .init(proxy: .direct)), redactor: redactor)
        var liveResponses: [HTTPResponse] = []
        for request in live { liveResponses.append(try await recorder.send(request)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try recorder.cassette(name: "roundtrip").write(to: url)
        server.stop()

        let text = try String(contentsOf: url, encoding: .utf8)
        for secret in [apiKey, "tok-1", "tok-2"] { #expect(!text.contains(secret), "\(secret) leaked into the cassette") }
        #expect(text.contains("SIG abc=="))  // signatures may stay

        let replay = ReplayTransport(cassette: try Cassette.load(from: url), redactor: redactor)
        for (request, original) in zip(live, liveResponses) {
            let replayed = try await replay.send(request)
            #expect(replayed.status == original.status)
            // The echo route's body contained the API key and is redacted; everything else is byte-identical.
            if request.method == "GET" { #expect(replayed == original) }
        }
        try replay.verifyAllUsed()

        var altered = live[0]
        altered.body = Data(#"{"out_trade_no":"REG20261122001","total":1231,"access_token":"tok-1"}"#.utf8)
        await #expect(throws: CassetteError(.unmatchedRequest, "")) {
            try await ReplayTransport(cassette: try Cassette.load(from: url), redactor: redactor).send(altered)
        }
    }

    @Test func recordingRefusesToWriteASecretItCouldNotRedact() async throws {
        let server = try LoopbackServer()
        let secret = "ZzBinarySecret42"
        let redactor = Redactor().adding(secret: secret, as: "KEY")
        let recorder = RecordingTransport(wrapping: CurlTransport(configuration: .init(proxy: .direct)), redactor: redactor)

        // Text bodies are redacted, so this records cleanly.
        let text = try await recorder.send(HTTPRequest(method: "POST", url: server.url("/raw"), body: Data("key=\(secret)".utf8)))
        #expect(text.text == "key=\(secret)")  // the live caller still gets the real bytes
        #expect(try !recorder.cassette(name: "text").encoded().contains(Data(secret.utf8)))

        // Binary bodies are stored as base64 and cannot be redacted: the cassette must be refused.
        let binary = Data([0xff, 0xfe, 0x00]) + Data(secret.utf8)
        _ = try await recorder.send(HTTPRequest(method: "POST", url: server.url("/raw"), body: binary))
        #expect(throws: CassetteError(.secretNotRedacted, "")) { try recorder.cassette(name: "binary") }
    }
}
