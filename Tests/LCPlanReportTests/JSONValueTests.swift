import LCPlanPrecision
import Testing

@testable import LCPlanReport

/// The JSON writer: exact integers of any length, escaping per RFC 8259, stable key order.
struct JSONValueTests {
    @Test func integersAreWrittenExactly() {
        let big = ExactInt(2).power(128)
        #expect(JSONValue.integer(big).serialized() == "340282366920938463463374607431768211456\n")
        #expect(JSONValue.integer(-big).serialized() == "-340282366920938463463374607431768211456\n")
    }

    @Test func stringsAreEscaped() {
        #expect(JSONValue.string("a\"b\\c\n\u{1}é").serialized() == "\"a\\\"b\\\\c\\n\\u0001é\"\n")
    }

    @Test func numbersUseTheShortestRoundTripForm() {
        #expect(JSONValue.number(4.8e12).serialized() == "4800000000000\n")
        #expect(JSONValue.number(0.1).serialized() == "0.1\n")
        #expect(JSONValue.number(1e-7).serialized() == "1e-07\n")
        #expect(JSONValue.number(.nan).serialized() == "null\n")
        #expect(JSONValue.number(.infinity).serialized() == "null\n")
    }

    @Test func keysKeepTheirOrder() {
        let value = JSONValue.object([("z", .int(1)), ("a", .array([.null, .bool(true)])), ("m", .object([]))])
        #expect(value.serialized() == "{\n  \"z\": 1,\n  \"a\": [\n    null,\n    true\n  ],\n  \"m\": {}\n}\n")
    }
}
