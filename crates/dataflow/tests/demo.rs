//! The demo's expected outputs, and the export formats exercised on it.
use sanso_dataflow::demo::{demo, DEMO_FLOW_YAML};
use sanso_dataflow::io::{flow_from_json, flow_from_yaml, flow_to_xlsx, to_json, to_yaml};
use sanso_dataflow::risk::merge_review;
use sanso_dataflow::svg::{escape, flow_svg};
use sanso_dataflow::{workflow_state, GapSeverity, RiskDimension, RiskStatus};
use std::collections::BTreeSet;

#[test]
fn demo_attributes_follow_the_story() {
    let ws = demo();
    let state = |id: &str| &ws.attributes.iter().find(|s| s.event == id).unwrap().after;
    assert_eq!(ws.attributes.len(), 10);
    assert_eq!(
        state("pos-capture").privacy_impact.as_deref(),
        Some("medium")
    );
    assert_eq!(
        state("ec-export").disclosure_scope.as_deref(),
        Some("group")
    );
    // Integration raises privacy impact and value; scope falls back to the narrower input.
    let merged = state("integrate-sales");
    assert_eq!(merged.privacy_impact.as_deref(), Some("high"));
    assert_eq!(merged.value.as_deref(), Some("high"));
    assert_eq!(merged.disclosure_scope.as_deref(), Some("internal"));
    assert_eq!(
        merged.rights_holders,
        ["customers", "retailer", "eu-customers", "sakura-eu"]
    );
    assert_eq!(state("store-dwh").holder.as_deref(), Some("cloud"));
    assert_eq!(state("us-store").holder.as_deref(), Some("sakura-us"));
    assert!(ws.attributes.iter().all(|s| s.after.missing().is_empty()));
}

#[test]
fn demo_risks_cover_c_i_a_and_compliance() {
    let ws = demo();
    let ids: BTreeSet<&str> = ws.risks.iter().map(|r| r.id.as_str()).collect();
    let expected = [
        "dmf.c.scope-widens@ec-export",
        "dmf.c.integration-raises-privacy@integrate-sales",
        "dmf.i.integration-without-reconciliation@integrate-sales",
        "dmf.l.protection-gap@integrate-sales<ec-export",
        "dmf.a.store-without-backup@store-dwh",
        "dmf.a.external-holder@store-dwh",
        "dmf.l.retention@store-dwh",
        "dmf.c.scope-widens@transfer-us",
        "dmf.i.transfer-without-integrity-check@transfer-us",
        "dmf.l.third-party-without-consent@transfer-us",
        "dmf.l.received-without-adequacy@us-analytics<transfer-us",
        "dmf.l.protection-gap@us-analytics<transfer-us",
        "dmf.c.dispose-without-method@dwh-purge",
        "dmf.l.disposal-method-required@dwh-purge",
    ];
    assert_eq!(ids, expected.into_iter().collect::<BTreeSet<_>>());
    for d in RiskDimension::ALL {
        assert!(ws.risks.iter().any(|r| r.dimension == d), "no {d:?} risk");
    }
    assert!(ws
        .risks
        .iter()
        .all(|r| r.status == RiskStatus::Suggested && !r.requirement_refs.is_empty()));
    assert!(ws
        .risks
        .iter()
        .all(|r| !r.title.ja.is_empty() && !r.rationale.ja.is_empty()));
    // No risk at the EU -> JP arrival for adequacy: the mutual arrangement covers it.
    assert!(!ids.contains("dmf.l.received-without-adequacy@integrate-sales<ec-export"));
}

#[test]
fn demo_cross_border_gap_list() {
    let ws = demo();
    assert_eq!(ws.gaps.len(), 2, "{:#?}", ws.gaps);
    let eu_jp = ws
        .gaps
        .iter()
        .find(|e| e.from_event == "ec-export")
        .unwrap();
    assert_eq!(eu_jp.to_event, "integrate-sales");
    assert!(eu_jp
        .gaps
        .iter()
        .all(|g| g.severity != GapSeverity::Blocking));
    let jp_us = ws
        .gaps
        .iter()
        .find(|e| e.from_event == "transfer-us")
        .unwrap();
    let rules: Vec<(&str, GapSeverity)> = jp_us
        .gaps
        .iter()
        .map(|g| (g.rule_id.as_str(), g.severity))
        .collect();
    assert_eq!(
        rules,
        [
            ("jp-appi.transfer-out", GapSeverity::Blocking),
            (
                "jp-appi.cross-border-information",
                GapSeverity::ActionNeeded
            ),
            ("internal.incident-report", GapSeverity::Weaker),
            ("internal.retention", GapSeverity::Weaker),
            ("internal.disposal", GapSeverity::Missing),
            ("internal.encrypt-at-rest", GapSeverity::Missing),
            ("internal.encrypt-in-transit", GapSeverity::Missing),
            ("jp-appi.third-party-consent", GapSeverity::Missing),
            ("jp-appi.transfer-out", GapSeverity::Missing),
        ]
    );
}

#[test]
fn workflow_moves_to_step_four_and_completes_after_review() {
    let ws = demo();
    assert_eq!(ws.workflow.current_step, 4);
    assert!(
        ws.workflow.steps[..3].iter().all(|s| s.complete),
        "{:#?}",
        ws.workflow
    );
    let mut flow = ws.flow.clone();
    flow.risks = merge_review(&[], ws.risks.clone());
    let state = workflow_state(&flow, &ws.library);
    assert_eq!(state.current_step, 4);
    assert!(state.steps[3]
        .missing
        .iter()
        .any(|m| m.contains("not reviewed")));
    for r in &mut flow.risks {
        r.status = RiskStatus::Accepted;
    }
    let state = workflow_state(&flow, &ws.library);
    assert_eq!(state.current_step, 5, "{:#?}", state);

    // Earlier steps: an event without attributes, a place without rules, a broken edge.
    let mut f = ws.flow.clone();
    f.events[0].changes = Default::default();
    let s = workflow_state(&f, &ws.library);
    assert!(!s.steps[2].complete && s.steps[0].complete && s.steps[1].complete);
    assert_eq!(s.current_step, 3);
    let mut f = ws.flow.clone();
    f.places[0].adopts.clear();
    let s = workflow_state(&f, &ws.library);
    assert_eq!(s.current_step, 2);
    assert!(s.steps[1]
        .missing
        .iter()
        .any(|m| m.contains("no jurisdiction")));
    assert!(s.steps[1]
        .missing
        .iter()
        .any(|m| m.contains("has no rules")));
    assert!(s
        .steps
        .iter()
        .all(|s| !s.guidance.ja.is_empty() && !s.guidance.en.is_empty()));
    let mut f = ws.flow.clone();
    f.edges[0].to = "nowhere".into();
    let s = workflow_state(&f, &ws.library);
    assert_eq!(s.current_step, 1);
    assert!(s.steps[0].missing[0].contains("nowhere"));
}

#[test]
fn yaml_and_json_round_trip() {
    let ws = demo();
    let yaml = to_yaml(&ws.flow).unwrap();
    assert_eq!(flow_from_yaml(&yaml, "<rt>").unwrap(), ws.flow);
    let mut with_risks = ws.flow.clone();
    with_risks.risks = ws.risks.clone();
    let json = to_json(&with_risks).unwrap();
    assert!(json.contains("\"transfer_provide\"") && json.contains("\"legal_compliance\""));
    assert_eq!(flow_from_json(&json, "<rt>").unwrap(), with_risks);
    // The shipped YAML is what the demo parsed.
    assert_eq!(flow_from_yaml(DEMO_FLOW_YAML, "<demo>").unwrap(), ws.flow);
}

#[test]
fn xlsx_export_is_a_zip_with_three_sheets() {
    let ws = demo();
    let gaps: Vec<_> = ws.gaps.iter().flat_map(|e| e.gaps.clone()).collect();
    let bytes = flow_to_xlsx(&ws.flow, &ws.library, &ws.risks, &gaps, "ja").unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // Sheet names sit uncompressed in the central directory as part paths.
    let names = String::from_utf8_lossy(&bytes);
    assert!(names.contains("xl/worksheets/sheet3.xml"));
}

#[test]
fn flow_svg_has_lanes_events_arrows_badges_and_risk_counts() {
    let ws = demo();
    let svg = ws.flow_svg("en").unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert_eq!(svg.matches("class=\"lane\"").count(), 4);
    assert_eq!(svg.matches("class=\"event\"").count(), 10);
    assert_eq!(svg.matches("class=\"edge\"").count(), ws.flow.edges.len());
    assert!(
        svg.contains("stroke-dasharray"),
        "cross-place edges are dashed"
    );
    // pos-capture (column 0) feeds integrate-sales (column 2): routed around ec-export.
    let at = svg
        .find(r#"data-from="pos-capture" data-to="integrate-sales""#)
        .unwrap();
    let d = &svg[at..svg[at..].find("/>").unwrap() + at];
    assert!(
        d.contains(" V") && d.contains(" H") && !d.contains(" C"),
        "{d}"
    );
    assert!(svg.contains("P:High") && svg.contains("S:Group"));
    assert!(svg.contains(r#"data-event="integrate-sales"><title>"#));
    assert!(svg.contains(r#"class="risk-count" data-count="3""#));
    let ja = ws.flow_svg("ja").unwrap();
    assert!(ja.contains("統合") && ja.contains("本社"));
    // Rejected risks are not counted.
    let mut risks = ws.risks.clone();
    for r in &mut risks {
        r.status = RiskStatus::Rejected;
    }
    let svg = flow_svg(&ws.flow, &ws.library, &risks, "en").unwrap();
    assert!(!svg.contains("risk-count"));
}

#[test]
fn svg_text_is_escaped() {
    assert_eq!(
        escape(r#"<a href="x">&'"#),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
    let ws = demo();
    let mut flow = ws.flow.clone();
    flow.name = "<script>alert(1)</script>".into();
    flow.places[0].name.en = "A & B <lane>".into();
    flow.events[0].description = "\"quoted\" <b>".into();
    let svg = flow_svg(&flow, &ws.library, &[], "en").unwrap();
    assert!(!svg.contains("<script>") && !svg.contains("<lane>") && !svg.contains("<b>"));
    assert!(svg.contains("&lt;script&gt;") && svg.contains("A &amp; B"));
}

#[test]
fn severity_chart_places_and_colours_devices() {
    let ws = demo();
    let svg = ws.severity_chart_svg("en").unwrap();
    assert_eq!(svg.matches("class=\"device\"").count(), 5);
    assert_eq!(svg.matches("class=\"cell\"").count(), 16);
    assert!(svg.contains(r#"data-device="press-plc" data-category="cat-4""#));
    // pos-terminal meets everything: green; plc-training has no entry: grey.
    let fill_of = |id: &str| {
        let at = svg.find(&format!("data-device=\"{id}\"")).unwrap();
        let rest = &svg[at..];
        let f = rest.find("fill=\"").unwrap() + 6;
        rest[f..f + 7].to_string()
    };
    assert_eq!(
        fill_of("pos-terminal"),
        sanso_dataflow::svg::share_colour(Some(1.0))
    );
    assert_eq!(fill_of("plc-training"), "#9e9e9e");
    assert_ne!(fill_of("press-plc"), fill_of("pos-terminal"));
    assert!(ws
        .severity_chart_svg("ja")
        .unwrap()
        .contains("物理的被害の深刻度"));
}
