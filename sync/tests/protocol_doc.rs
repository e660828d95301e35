//! The JSON examples of docs/sync-protocol.md, in the order they appear, parse into the wire
//! types and come back out equal: the page a third party writes a client from says what the code
//! accepts.

use jiaowu_sync::wire::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn examples() -> Vec<String> {
    let doc = include_str!("../../docs/sync-protocol.md");
    doc.split("```json\n").skip(1).map(|b| b.split("\n```").next().expect("closed block").to_string()).collect()
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(text: &str) -> T {
    let v: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let again: T = serde_json::from_value(serde_json::to_value(&v).unwrap()).unwrap();
    assert_eq!(v, again);
    v
}

#[test]
fn every_example_of_the_protocol_page_is_a_valid_message() {
    let ex = examples();
    assert_eq!(ex.len(), 6, "the page's JSON examples: enrol ×2, push ×2, pull, error");
    let enrol: EnrolRequest = round_trip(&ex[0]);
    jiaowu_sync::signing::public_key_from_base64(&enrol.public_key).expect("the example key is a key");
    round_trip::<EnrolResponse>(&ex[1]);
    let push: PushRequest = round_trip(&ex[2]);
    assert_eq!(push.ops[0].seq, push.first_seq);
    let reply: PushResponse = round_trip(&ex[3]);
    assert_eq!(reply.results[0].op_id, push.ops[0].op_id);
    let pull: PullResponse = round_trip(&ex[4]);
    assert!(pull.digest.is_some());
    let err: ErrorBody = round_trip(&ex[5]);
    assert_eq!(err.error.code.status(), 409);
}

#[test]
fn unknown_fields_and_unknown_kinds_are_refused() {
    let ex = examples();
    let mut v: serde_json::Value = serde_json::from_str(&ex[2]).unwrap();
    v["ops"][0]["priority"] = serde_json::json!("high");
    assert!(serde_json::from_value::<PushRequest>(v).is_err());
    let mut v: serde_json::Value = serde_json::from_str(&ex[2]).unwrap();
    v["ops"][0]["kind"] = serde_json::json!("delete");
    assert!(serde_json::from_value::<PushRequest>(v).is_err(), "legal records are never deleted");
}
