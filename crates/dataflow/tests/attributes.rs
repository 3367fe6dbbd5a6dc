mod common;
use common::{create, flow, library};
use sanso_dataflow::attributes::merge;
use sanso_dataflow::{attributes_along, Attributes};

#[test]
fn changes_apply_in_flow_order_and_holder_follows_events() {
    // Declared out of order on purpose: flow order comes from the edges.
    let f = flow(&format!(
        r#"
events:
  - id: store
    kind: store
    holder: ctr
    place: jp
    retention_days: 30
    changes: {{ value: high }}
  - id: proc
    kind: process
    holder: own
    place: jp
    changes: {{ privacy_impact: medium, add_rights_holders: [analyst] }}
{}
edges:
  - {{ from: a, to: proc }}
  - {{ from: proc, to: store }}
"#,
        create("a", "jp")
    ));
    let along = attributes_along(&f, &library()).unwrap();
    let order: Vec<&str> = along.iter().map(|s| s.event.as_str()).collect();
    assert_eq!(order, ["a", "proc", "store"]);
    assert_eq!(along[0].before, Attributes::default());
    assert_eq!(along[0].after.privacy_impact.as_deref(), Some("low"));
    assert_eq!(along[1].before, along[0].after);
    assert_eq!(along[1].after.privacy_impact.as_deref(), Some("medium"));
    assert_eq!(along[1].after.rights_holders, ["subjects", "analyst"]);
    assert_eq!(along[2].after.value.as_deref(), Some("high"));
    assert_eq!(along[2].after.category.as_deref(), Some("personal"));
    assert_eq!(along[2].after.holder.as_deref(), Some("ctr"));
    assert_eq!(along[1].after.holder.as_deref(), Some("own"));
    assert!(along[2].after.missing().is_empty());
}

#[test]
fn integrate_takes_max_category_privacy_value_and_narrowest_scope() {
    let f = flow(
        r#"
events:
  - id: a
    kind: create_acquire
    holder: own
    place: jp
    changes: { category: industrial_technical, privacy_impact: none, value: high, disclosure_scope: contracted_partners, rights_holders: [maker] }
  - id: b
    kind: create_acquire
    holder: grp
    place: jp
    changes: { category: personal, privacy_impact: medium, value: low, disclosure_scope: group, rights_holders: [subjects] }
  - id: m
    kind: integrate
    holder: own
    place: jp
edges:
  - { from: a, to: m }
  - { from: b, to: m }
"#,
    );
    let along = attributes_along(&f, &library()).unwrap();
    let m = along.iter().find(|s| s.event == "m").unwrap();
    assert_eq!(m.inputs, ["a", "b"]);
    assert_eq!(m.after.category.as_deref(), Some("personal"));
    assert_eq!(m.after.privacy_impact.as_deref(), Some("medium"));
    assert_eq!(m.after.value.as_deref(), Some("high"));
    assert_eq!(m.after.disclosure_scope.as_deref(), Some("group"));
    assert_eq!(m.after.rights_holders, ["maker", "subjects"]);
    assert_eq!(m.after.holder.as_deref(), Some("own"));
    // Inputs held by different holders: no single "before" holder.
    assert_eq!(m.before.holder, None);
}

#[test]
fn merge_ignores_unset_values_and_special_category_wins() {
    let lib = library();
    let a = Attributes {
        category: Some("special_category_personal".into()),
        ..Default::default()
    };
    let b = Attributes {
        category: Some("business_confidential".into()),
        privacy_impact: Some("high".into()),
        ..Default::default()
    };
    let m = merge(&[&a, &b], lib.vocabulary());
    assert_eq!(m.category.as_deref(), Some("special_category_personal"));
    assert_eq!(m.privacy_impact.as_deref(), Some("high"));
    assert_eq!(m.value, None);
    assert_eq!(m.disclosure_scope, None);
}

#[test]
fn replacing_rights_holders_drops_earlier_ones() {
    let f = flow(&format!(
        r#"
events:
{}
  - id: anon
    kind: process
    holder: own
    place: jp
    changes: {{ category: business_confidential, privacy_impact: none, rights_holders: [own-co] }}
edges:
  - {{ from: a, to: anon }}
"#,
        create("a", "jp")
    ));
    let along = attributes_along(&f, &library()).unwrap();
    assert_eq!(along[1].after.rights_holders, ["own-co"]);
    assert_eq!(along[1].after.privacy_impact.as_deref(), Some("none"));
}
