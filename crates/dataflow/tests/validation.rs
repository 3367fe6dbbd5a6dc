mod common;
use common::{create, flow, library};
use sanso_dataflow::io::flow_from_yaml;
use sanso_dataflow::validate::issues;
use sanso_dataflow::{validate, DataflowError, FlowIssue};

fn messages(f: &sanso_dataflow::DataFlow) -> Vec<String> {
    issues(f, &library())
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn cycle_through_dispose_is_reported_with_its_path() {
    let f = flow(&format!(
        r#"
events:
{}
  - {{ id: p, kind: process, holder: own, place: jp }}
  - {{ id: d, kind: dispose, holder: own, place: jp, method: shred }}
edges:
  - {{ from: a, to: p }}
  - {{ from: p, to: d }}
  - {{ from: d, to: p }}
"#,
        create("a", "jp")
    ));
    let found = issues(&f, &library());
    assert!(
        found.contains(&FlowIssue::EdgeAfterDispose {
            edge: 2,
            dispose_event: "d".into(),
            to: "p".into()
        }),
        "{found:?}"
    );
    let cycle = found.iter().find_map(|i| match i {
        FlowIssue::Cycle {
            path,
            through_dispose,
        } => Some((path.clone(), through_dispose.clone())),
        _ => None,
    });
    let (path, through) = cycle.expect("cycle reported");
    assert_eq!(path.first(), path.last());
    assert!(path.contains(&"p".to_string()) && path.contains(&"d".to_string()));
    assert_eq!(through.as_deref(), Some("d"));
    let text = messages(&f).join("\n");
    assert!(text.contains("passes through dispose event `d`"), "{text}");
    assert!(
        text.contains("edges[2] field `from`: `d` is a dispose event"),
        "{text}"
    );
}

#[test]
fn plain_cycle_and_edge_after_dispose() {
    let f = flow(&format!(
        r#"
events:
{}
  - {{ id: p, kind: process, holder: own, place: jp }}
  - {{ id: q, kind: process, holder: own, place: jp }}
edges:
  - {{ from: a, to: p }}
  - {{ from: p, to: q }}
  - {{ from: q, to: p }}
"#,
        create("a", "jp")
    ));
    let text = messages(&f).join("\n");
    assert!(
        text.contains("cycle p -> q -> p") || text.contains("cycle q -> p -> q"),
        "{text}"
    );
    let f = flow(&format!(
        r#"
events:
{}
  - {{ id: d, kind: dispose, holder: own, place: jp }}
  - {{ id: s, kind: store, holder: own, place: jp }}
edges:
  - {{ from: a, to: d }}
  - {{ from: d, to: s }}
"#,
        create("a", "jp")
    ));
    assert!(messages(&f)
        .iter()
        .any(|m| m.contains("nothing may follow it (edge to `s`)")));
}

#[test]
fn unknown_place_holder_values_and_edge_ends_name_event_and_field() {
    let f = flow(
        r#"
events:
  - id: a
    kind: create_acquire
    holder: nobody
    place: mars
    changes: { category: secret-ish, privacy_impact: extreme, value: priceless, disclosure_scope: galaxy }
    safeguards: [prayer]
edges:
  - { from: a, to: ghost }
  - { from: phantom, to: a }
"#,
    );
    let text = messages(&f).join("\n");
    for expected in [
        "event `a` field `place`: no place `mars` is defined",
        "event `a` field `holder`: no holder `nobody` is defined",
        "event `a` field `changes.category`: unknown value `secret-ish` (expected one of: public, industrial_technical",
        "event `a` field `changes.privacy_impact`: unknown value `extreme`",
        "event `a` field `changes.value`: unknown value `priceless`",
        "event `a` field `changes.disclosure_scope`: unknown value `galaxy`",
        "event `a` field `safeguards`: unknown value `prayer`",
        "edges[0] field `to`: no event `ghost` is defined",
        "edges[1] field `from`: no event `phantom` is defined",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    match validate(&f, &library()) {
        Err(DataflowError::InvalidFlow { flow, issues }) => {
            assert_eq!(flow, "t");
            assert_eq!(issues.len(), 9);
        }
        other => panic!("{other:?}"),
    }
    // Analyses refuse an invalid flow rather than guessing.
    assert!(sanso_dataflow::attributes_along(&f, &library()).is_err());
    assert!(sanso_dataflow::suggest_risks(&f, &library()).is_err());
}

#[test]
fn structural_issues() {
    let f = flow(&format!(
        r#"
events:
{}{}
  - {{ id: m, kind: integrate, holder: own, place: jp }}
  - {{ id: orphan, kind: store, holder: own, place: jp }}
edges:
  - {{ from: a, to: m }}
  - {{ from: a, to: m }}
  - {{ from: m, to: m }}
"#,
        create("a", "jp"),
        create("a", "jp")
    ));
    let text = messages(&f).join("\n");
    for expected in [
        "events[1].id `a` is used twice",
        "edges[1]: edge `a` -> `m` is listed twice",
        "edges[2]: event `m` points to itself",
        "event `orphan` (store) has no incoming edge",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
    let f = flow(
        r#"
events:
  - { id: a, kind: create_acquire, holder: own, place: jp }
  - { id: m, kind: integrate, holder: own, place: jp }
edges:
  - { from: a, to: m }
"#,
    );
    assert!(messages(&f)
        .iter()
        .any(|m| m.contains("integrate merges two or more")));
    let mut empty = flow("events: []\n");
    empty.places[0].adopts.push("no-such-law".into());
    let text = messages(&empty).join("\n");
    assert!(text.contains("the flow has no events"));
    assert!(
        text.contains("place `jp` field `adopts`: no rule set `no-such-law`"),
        "{text}"
    );
}

#[test]
fn yaml_errors_carry_line_column_and_field_path() {
    let text = "id: x\nname: n\ndata_set: { name: d }\nplaces: []\nholders: []\nevents:\n  - id: a\n    kind: teleport\n    holder: h\n    place: p\n";
    match flow_from_yaml(text, "flow.yaml") {
        Err(DataflowError::Yaml { location, message }) => {
            assert_eq!(location.source, "flow.yaml");
            assert_eq!(location.path, "events[0].kind");
            assert_eq!(location.line, Some(8));
            assert!(message.contains("teleport"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let typo =
        "id: x\nname: n\ndata_set: { name: d }\nplaces: []\nholders: []\nevents: []\nedgez: []\n";
    let err = flow_from_yaml(typo, "flow.yaml").unwrap_err().to_string();
    assert!(
        err.contains("edgez") && err.contains("flow.yaml:7"),
        "{err}"
    );
    let json_err = sanso_dataflow::io::flow_from_json("{\"id\": 3}", "flow.json")
        .unwrap_err()
        .to_string();
    assert!(
        json_err.contains("flow.json:1:") && json_err.contains("id"),
        "{json_err}"
    );
}

#[test]
fn rule_yaml_is_strict() {
    use sanso_dataflow::io::from_yaml_str;
    use sanso_dataflow::Rule;
    let ok: Rule = from_yaml_str(
        "{ id: r, require: { kind: breach_notification, hours: 72 }, summary: { ja: a, en: b } }",
        "<rule>",
    )
    .unwrap();
    assert_eq!(ok.require.kind(), "breach_notification");
    let typo = from_yaml_str::<Rule>(
        "{ id: r, require: { kind: breach_notification, hourz: 72 }, summary: { ja: a, en: b } }",
        "<rule>",
    )
    .unwrap_err()
    .to_string();
    assert!(typo.contains("hourz"), "{typo}");
    let unknown = from_yaml_str::<Rule>(
        "{ id: r, require: { kind: be_nice }, summary: { ja: a, en: b } }",
        "<rule>",
    )
    .unwrap_err()
    .to_string();
    assert!(
        unknown.contains("be_nice") && unknown.contains("require"),
        "{unknown}"
    );
}
