import HISPayCore
import Testing

@Suite struct ResidentIDNumberTests {
    @Test func checkCharacterDecidesWhatIsAnIDNumber() {
        #expect(ResidentIDNumber.isValid("440106199003071231"))
        #expect(ResidentIDNumber.isValid("11010519491231002X") && ResidentIDNumber.isValid("11010519491231002x"))
        #expect(!ResidentIDNumber.isValid("440106199003071232"))  // wrong check digit: an order number, say
        #expect(!ResidentIDNumber.isValid("44010619900307123"))
        #expect(!ResidentIDNumber.isValid("4401061990030712311"))
    }

    @Test func validNumbersAreMaskedWhereverTheyStandAndNothingElseIs() {
        let text = #"{"certNo":"440106199003071231","payOrdId":"440106199003071232"}&id=11010519491231002X&key=<APP_SECRET>"#
        #expect(ResidentIDNumber.masked(in: text)
            == #"{"certNo":"440106********1231","payOrdId":"440106199003071232"}&id=110105********002X&key=<APP_SECRET>"#)
        #expect(ResidentIDNumber.masked(in: "A440106199003071231") == "A440106199003071231")  // inside a longer token
        #expect(ResidentIDNumber.masked(in: "患者440106199003071231") == "患者440106********1231")
        #expect(ResidentIDNumber.masked(in: "") == "")
    }
}
