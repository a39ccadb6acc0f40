import Foundation
import HISPayCore
import Testing

@Suite struct ConfigurationTests {
    let directory = URL(fileURLWithPath: "/srv/his/hispay")

    private func load(_ json: String, environment: [String: String] = [:]) throws -> HISPayConfiguration {
        try HISPayConfiguration(json: Data(json.utf8), baseDirectory: directory, environment: environment)
    }

    @Test func resolvesEnvironmentSecretsAndRelativePaths() throws {
        let config = try load(
            """
            {"merchants": [
              {"name": "main-campus", "wechatpay": {"mchid": "1900000001", "apiV3Key": "env:HISPAY_V3_KEY",
                "privateKey": "keys/apiclient_key.pem", "rootCert": "/etc/hispay/root.pem", "timeoutSeconds": 15,
                "sandbox": false}},
              {"name": "east-campus", "alipay": {"appId": "2021000000000001"}}
            ]}
            """, environment: ["HISPAY_V3_KEY": "0123456789abcdef0123456789abcdef"])
        #expect(config.merchants.map(\.name) == ["main-campus", "east-campus"])
        let main = try config.merchant(named: nil)
        #expect(main.channels == [.wechatPay])
        let block = try #require(main.block(for: .wechatPay))
        #expect(try block.string("apiV3Key") == "0123456789abcdef0123456789abcdef")
        #expect(try block.fileURL("privateKey").path == "/srv/his/hispay/keys/apiclient_key.pem")
        #expect(try block.fileURL("rootCert").path == "/etc/hispay/root.pem")
        #expect(try block.int("timeoutSeconds") == 15)
        #expect(try block.bool("sandbox") == false)
        #expect(try config.merchant(named: "east-campus").channels == [.alipay])
        #expect(!block.description.contains("0123456789abcdef"))
    }

    @Test func errorsNameTheKeyAndVariableButNeverTheValue() throws {
        let config = try load(#"{"merchants": [{"name": "m", "alipay": {"privateKey": "env:ALIPAY_KEY", "appId": 7}}]}"#)
        let block = try #require(try config.merchant(named: "m").block(for: .alipay))
        do {
            _ = try block.string("privateKey")
            Issue.record("an unset variable must fail")
        } catch {
            #expect(error.code == .missingEnvironmentVariable)
            #expect(error.reason.contains("ALIPAY_KEY"))
            #expect(error.reason.contains("merchants[0].alipay.privateKey"))
        }
        #expect(throws: ConfigurationError(.missingKey, "")) { try block.string("appCertPath") }
        #expect(try block.string("appId") == "7")
        #expect(throws: ConfigurationError(.invalidValue, "")) { try block.bool("appId") }
        #expect(throws: ConfigurationError(.fileUnreadable, "")) {
            try HISPayConfiguration(json: Data(#"{"merchants":[{"name":"m","unionpay":{"signCert":"missing.pfx"}}]}"#.utf8),
                baseDirectory: URL(fileURLWithPath: "/nonexistent")).merchants[0].block(for: .unionPay)!.fileBytes("signCert")
        }
    }

    /// Issue 23: the event retention of a PostgreSQL store, `store.retentionMonths`.
    @Test func theStoreBlockHoldsTheRetentionInWholeMonths() throws {
        let merchants = #""merchants": [{"name": "main", "alipay": {"appId": "2021000000000001"}}]"#
        #expect(try load("{\(merchants)}").retentionMonths == nil)
        #expect(try load(#"{\#(merchants), "store": {"retentionMonths": 24}}"#).retentionMonths == 24)
        for (store, named) in [
            (#"{"retentionMonths": 0}"#, "retentionMonths must be a whole number of months"), (#"{"retentionMonths": "24"}"#, "retentionMonths"),
            (#"{"retentionMonth": 24}"#, "retentionMonth"),
        ] {
            #expect {
                try load(#"{\#(merchants), "store": \#(store)}"#)
            } throws: { error in
                "\(error)".contains(named)
            }
        }
    }

    @Test func rejectsMalformedFiles() {
        #expect(throws: ConfigurationError(.malformedJSON, "")) { try load("{\"merchants\": [") }
        #expect(throws: ConfigurationError(.missingKey, "")) { try load("{}") }
        #expect(throws: ConfigurationError(.unknownMerchant, "")) { try load(#"{"merchants": []}"#) }
        #expect(throws: ConfigurationError(.unknownKey, "")) { try load(#"{"merchants": [{"name": "m", "wechatPay": {}}]}"#) }
        #expect(throws: ConfigurationError(.invalidValue, "")) { try load(#"{"merchants": [{"name": "m", "alipay": "x"}]}"#) }
        #expect(throws: ConfigurationError(.invalidValue, "")) { try load(#"{"merchants": [{"name": "m"}, {"name": "m"}]}"#) }
        #expect(throws: ConfigurationError(.missingKey, "")) { try load(#"{"merchants": [{"alipay": {}}]}"#) }
        #expect(throws: ConfigurationError(.unknownMerchant, "")) { try load(#"{"merchants": [{"name": "m"}]}"#).merchant(named: "x") }
        #expect(throws: ConfigurationError(.fileUnreadable, "")) { try HISPayConfiguration.load(path: "/nonexistent/hispay.json") }
    }
}

@Suite struct ExactJSONTests {
    @Test func numbersKeepTheirTextAndBadJSONIsRefused() throws {
        let value = try #require(ConfigValue.decode(Data(#" {"a":123.40,"b":[1,-2.50e3,true,null],"c":"\u5f20\n\"x\"","d":{}} "#.utf8)))
        #expect(value.objectValue["a"] == .number("123.40"))
        #expect(value.objectValue["b"] == .array([.number("1"), .number("-2.50e3"), .bool(true), .null]))
        #expect(value.objectValue["c"] == .string("张\n\"x\""))
        #expect(value.jsonText() == #"{"a":123.40,"b":[1,-2.50e3,true,null],"c":"张\n\"x\"","d":{}}"#)
        for bad in ["{", "[1,]", #"{"a" 1}"#, "tru", "1 2", #""unterminated"#, "{\"a\":01x}", String(repeating: "[", count: 300)] {
            #expect(ConfigValue.decode(Data(bad.utf8)) == nil, "\(bad.prefix(20))")
        }
    }

    /// Strings are read in place when they have no escapes and in runs between escapes when they do:
    /// both give the same text, raw UTF-8 is kept, and bytes that are not UTF-8 or a raw control
    /// character inside a string are refused either way.
    @Test func stringsWithAndWithoutEscapesReadAlike() throws {
        let value = try #require(ConfigValue.decode(Data(#"{"plain":"挂号费 abc","escaped":"a\/b\\c\u00e9挂号\"d\"","pair":"\ud83d\ude00x","e":-1.5E+3}"#.utf8)))
        #expect(value.objectValue["plain"] == .string("挂号费 abc"))
        #expect(value.objectValue["escaped"] == .string("a/b\\cé挂号\"d\""))
        #expect(value.objectValue["pair"] == .string("😀x"))
        #expect(value.objectValue["e"] == .number("-1.5E+3"))
        for bad in [[0x22, 0xFF, 0x22], [0x22, 0x5C, 0x6E, 0xC3, 0x22], [0x22, 0x61, 0x0A, 0x22], [0x22, 0x5C, 0x6E, 0x0A, 0x22], Array(#""\u12G4""#.utf8)] {
            #expect(ConfigValue.decode(Data(bad)) == nil, "\(bad)")
        }
    }
}
