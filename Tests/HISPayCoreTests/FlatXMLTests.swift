import Foundation
import HISPayCore
import HISPayTestSupport
import Testing

/// The byte reader of plain channel XML against Foundation's `XMLParser`: for every document it
/// reads — the channels' own, and thousands of mutations of them — it gives exactly the fields
/// `XMLParser` gives; everything else it leaves to `XMLParser`.
@Suite struct FlatXMLTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzzing/corpus/wechatpay-v2-callback")

    static let seeds: [String] = [
        // The published notification shape (pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_7): CDATA values.
        "<xml><return_code><![CDATA[SUCCESS]]></return_code><appid><![CDATA[wx2421b1c4370ec43b]]></appid><total_fee>1230</total_fee></xml>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>\n  <return_code>SUCCESS</return_code>\n  <attach><![CDATA[门诊缴费 挂号]]></attach>\n</xml>\n",
        "<?xml version=\"1.0\"?><root><a>x<![CDATA[<y>]]>z</a><b></b><c> spaced\ttext </c></root>",
        "<xml><a><![CDATA[]]></a><b><![CDATA[a]]]]><![CDATA[>b]]></b></xml>",
    ]

    static let tokens = [
        "<", ">", "&", "&amp;", "&#x41;", "]]>", "\r", "\r\n", "\u{1}", " a=\"1\"", "<x/>", "<!-- c -->", "<?pi x?>", "<![CDATA[", "</xml>", "<xml>",
        "<a>", "</a>", "<a><b>1</b></a>", "é", "\u{3000}", "\u{FEFF}", "<!DOCTYPE xml>", "\u{FFFF}", "\u{11}", "'", "\"", "=", "/", "\t", "\n", " ",
    ]

    @Test func plainDocumentsReadAsXMLParserReadsThem() throws {
        var documents = Self.seeds.map { Data($0.utf8) }
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path) {
            documents.append(Data(try Data(contentsOf: Self.corpus.appendingPathComponent(name)).dropFirst()))  // a fuzz input's first byte chooses its target
        }
        let roots: Set<String> = ["xml", "root"]
        for document in documents {
            #expect(FlatXML.plainFields(document, roots: roots) != nil, "\(String(decoding: document, as: UTF8.self))")
        }
        var generator = SeededGenerator(seed: 20_261_205)  // the same mutations on every run
        var read = 0, disagreements: [String] = []
        for round in 0..<8000 {
            var bytes = [UInt8](documents[round % documents.count])
            for _ in 0...Int.random(in: 0...1, using: &generator) {
                let at = Int.random(in: 0...bytes.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &generator)
                case 2: bytes = Array(bytes.prefix(at))
                default: bytes.insert(contentsOf: Array(Self.tokens.randomElement(using: &generator)!.utf8), at: at)
                }
            }
            let document = Data(bytes)
            guard let fields = FlatXML.plainFields(document, roots: roots) else { continue }
            read += 1
            if (try? FlatXML.parsedFields(document, roots: roots)) != fields, disagreements.count < 5 {
                disagreements.append(String(decoding: document, as: UTF8.self))
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(read > 400)  // the mutations exercise the byte reader, not only XMLParser
    }
}
