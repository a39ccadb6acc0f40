import Foundation
import HISPay
import HISPayCore
import HTTPTypes
import Hummingbird

/// The callback gateway's routes, shared by `hispay serve` and `hispay demo`:
/// `POST /notify/{merchant}/{channel}` into the notification centre, `GET /events?after=&limit=`.
enum CallbackGateway {
    static func router(centre: NotificationCentre, store: any PaymentStore, crashAfterRecord: Bool = false) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/notify/:merchant/:channel") { request, context -> Response in
            var request = request
            let merchant = try context.parameters.require("merchant")
            guard let channel = ChannelOption(rawValue: try context.parameters.require("channel")) else {
                return text(404, "unknown channel")
            }
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers = HTTPHeaders()
            for field in request.headers { headers.add(field.name.rawName, field.value) }
            let callback = CallbackRequest(method: "POST", path: request.uri.string, headers: headers, body: Data(body.readableBytesView))
            let receipt = await centre.receive(callback, merchant: merchant, channel: channel.channelID)
            if crashAfterRecord, receipt.recording != nil { kill(getpid(), SIGKILL) }
            if let refusal = receipt.refusal { FileHandle.standardError.write(Data("hispay: \(merchant)/\(channel.rawValue): \(refusal)\n".utf8)) }
            return response(receipt.response)
        }
        router.get("/events") { request, _ -> Response in
            let parameters = request.uri.queryParameters
            guard let after = Int64(parameters.get("after") ?? "0"), after >= 0, let limit = Int(parameters.get("limit") ?? "100"), (1...1000).contains(limit) else {
                return text(400, "after must be a cursor (integer ≥ 0) and limit 1…1000")
            }
            let events = try await store.events(after: after, limit: limit)
            let page = EventPage(events: events.map(EventLine.init), next: events.last?.cursor ?? after)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var fields = HTTPFields()
            fields[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(try encoder.encode(page)))))
        }
        return router
    }

    /// One page of `GET /events`: the events and the cursor to ask after next.
    struct EventPage: Encodable {
        let events: [EventLine]
        let next: Int64
    }

    static func text(_ status: Int, _ message: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    /// A channel's exact acknowledgement (status, headers, body) as the HTTP response.
    static func response(_ reply: HISPayCore.HTTPResponse) -> Response {
        var fields = HTTPFields()
        for field in reply.headers {
            if let name = HTTPField.Name(field.name) { fields.append(HTTPField(name: name, value: field.value)) }
        }
        return Response(status: .init(code: reply.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: Array(reply.body))))
    }
}
