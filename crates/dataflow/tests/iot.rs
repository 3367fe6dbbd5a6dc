use sanso_dataflow::io::from_yaml_str;
use sanso_dataflow::iot::{
    categorise, category_viewpoints, device_requirements, share_met, Device, Scheme,
};
use sanso_dataflow::DataflowError;
use std::collections::BTreeMap;

fn scheme() -> Scheme {
    Scheme::builtin().unwrap()
}

fn device(rating: &str) -> Device {
    from_yaml_str(
        &format!(
            "{{ id: d, name: D, product: p, use: {{ ja: 用途, en: use }}, rating: {rating} }}"
        ),
        "<device>",
    )
    .unwrap()
}

fn category_of(rating: &str) -> String {
    categorise(&device(rating), &scheme()).unwrap().category
}

#[test]
fn each_region_of_the_chart_gets_its_category() {
    // cat-4, alternative 1: critical physical harm, whatever else.
    assert_eq!(
        category_of("{ physical: critical, economic: none, recoverability: recoverable }"),
        "cat-4"
    );
    // cat-4, alternative 2: serious and irreversible.
    assert_eq!(
        category_of("{ physical: serious, economic: none, recoverability: irreversible }"),
        "cat-4"
    );
    // cat-4, alternative 3: critical economic and irreversible.
    assert_eq!(
        category_of("{ physical: none, economic: critical, recoverability: irreversible }"),
        "cat-4"
    );
    // cat-3: serious physical, recoverable or hard to recover.
    assert_eq!(
        category_of("{ physical: serious, economic: none, recoverability: recoverable }"),
        "cat-3"
    );
    assert_eq!(
        category_of("{ physical: serious, economic: critical, recoverability: hard_to_recover }"),
        "cat-3"
    );
    // cat-2, alternative 1: economic serious or worse with limited physical harm.
    assert_eq!(
        category_of("{ physical: minor, economic: serious, recoverability: recoverable }"),
        "cat-2"
    );
    assert_eq!(
        category_of("{ physical: none, economic: critical, recoverability: recoverable }"),
        "cat-2"
    );
    // cat-2, alternative 2: lasting harm even if small.
    assert_eq!(
        category_of("{ physical: minor, economic: none, recoverability: hard_to_recover }"),
        "cat-2"
    );
    assert_eq!(
        category_of("{ physical: minor, economic: minor, recoverability: irreversible }"),
        "cat-2"
    );
    // cat-1: the rest.
    assert_eq!(
        category_of("{ physical: none, economic: none, recoverability: recoverable }"),
        "cat-1"
    );
    assert_eq!(
        category_of("{ physical: minor, economic: minor, recoverability: recoverable }"),
        "cat-1"
    );
}

#[test]
fn every_combination_is_categorised_and_severity_never_lowers_the_category() {
    let s = scheme();
    let rank = |c: &str| {
        ["cat-1", "cat-2", "cat-3", "cat-4"]
            .iter()
            .position(|x| *x == c)
            .unwrap()
    };
    let levels = ["none", "minor", "serious", "critical"];
    let rec = ["recoverable", "hard_to_recover", "irreversible"];
    let mut n = 0;
    for (pi, p) in levels.iter().enumerate() {
        for (ei, e) in levels.iter().enumerate() {
            for (ri, r) in rec.iter().enumerate() {
                let here = rank(&category_of(&format!(
                    "{{ physical: {p}, economic: {e}, recoverability: {r} }}"
                )));
                n += 1;
                // Raising any one axis never lowers the category (the chart is monotone).
                if pi + 1 < levels.len() {
                    let up = rank(&category_of(&format!(
                        "{{ physical: {}, economic: {e}, recoverability: {r} }}",
                        levels[pi + 1]
                    )));
                    assert!(up >= here, "physical {p}->{} lowers", levels[pi + 1]);
                }
                if ei + 1 < levels.len() {
                    let up = rank(&category_of(&format!(
                        "{{ physical: {p}, economic: {}, recoverability: {r} }}",
                        levels[ei + 1]
                    )));
                    assert!(up >= here);
                }
                if ri + 1 < rec.len() {
                    let up = rank(&category_of(&format!(
                        "{{ physical: {p}, economic: {e}, recoverability: {} }}",
                        rec[ri + 1]
                    )));
                    assert!(up >= here);
                }
            }
        }
    }
    assert_eq!(n, 48);
    let _ = s;
}

#[test]
fn a_bare_rating_can_be_categorised() {
    let rating =
        device("{ physical: serious, economic: none, recoverability: recoverable }").rating;
    let c = sanso_dataflow::iot::categorise_rating(&rating, &scheme()).unwrap();
    assert_eq!(c.category, "cat-3");
    assert_eq!(c.category_name.en, "Category 3 (serious physical harm)");
}

#[test]
fn physical_severity_is_the_worst_target_and_the_reason_names_it() {
    let c = categorise(
        &device("{ physical: { people: none, property: critical, environment: minor }, economic: none, recoverability: recoverable }"),
        &scheme(),
    )
    .unwrap();
    assert_eq!(c.category, "cat-4");
    assert_eq!(c.levels["physical"], "critical");
    assert!(
        c.reason.en.contains("Property") && c.reason.en.contains("Critical"),
        "{}",
        c.reason.en
    );
    assert!(c.reason.ja.contains("財産"), "{}", c.reason.ja);
}

#[test]
fn requirements_are_inherited_along_includes() {
    let s = scheme();
    let c1 = category_viewpoints(&s, "cat-1");
    let c2 = category_viewpoints(&s, "cat-2");
    let c4 = category_viewpoints(&s, "cat-4");
    assert_eq!(c1.len(), 4);
    assert_eq!(c2.len(), 8);
    assert_eq!(c4.len(), 16);
    // Own viewpoints first, then inherited ones with their origin.
    assert_eq!(c2[0].from_category, "cat-2");
    assert!(c2
        .iter()
        .any(|v| v.from_category == "cat-1" && v.viewpoint.id == "c1.operation.updates"));
    for v in &c1 {
        assert!(
            c4.iter().any(|w| w.viewpoint.id == v.viewpoint.id),
            "cat-4 lacks {}",
            v.viewpoint.id
        );
    }
    // Every category covers all four lifecycle phases.
    let dev = device("{ physical: critical, economic: none, recoverability: recoverable }");
    let req = device_requirements(&dev, &s).unwrap();
    for phase in ["design", "manufacture", "operation_maintenance", "disposal"] {
        assert!(req.for_phase(phase).len() >= 4, "{phase}");
    }
    assert!(req.requirement_ids().contains(&"CPS.MA-1".to_string()));
}

#[test]
fn include_cycles_are_cut() {
    let mut s = scheme();
    if let Some(c1) = s.categories.iter_mut().find(|c| c.id == "cat-1") {
        c1.includes.push("cat-4".into());
    }
    assert_eq!(category_viewpoints(&s, "cat-4").len(), 16);
    assert_eq!(category_viewpoints(&s, "cat-1").len(), 16);
}

#[test]
fn the_same_product_lands_in_different_categories_by_use() {
    let ws = sanso_dataflow::demo::demo();
    let by_device: BTreeMap<&str, &str> = ws
        .device_requirements
        .iter()
        .map(|r| (r.device.as_str(), r.categorisation.category.as_str()))
        .collect();
    let product_of = |id: &str| {
        ws.devices
            .devices
            .iter()
            .find(|d| d.id == id)
            .unwrap()
            .product
            .clone()
    };
    assert_eq!(product_of("hub-home"), product_of("hub-care-home"));
    assert_eq!(product_of("press-plc"), product_of("plc-training"));
    assert_eq!(by_device["hub-home"], "cat-1");
    assert_eq!(by_device["hub-care-home"], "cat-3");
    assert_eq!(by_device["press-plc"], "cat-4");
    assert_eq!(by_device["plc-training"], "cat-1");
    assert_eq!(by_device["pos-terminal"], "cat-2");
}

#[test]
fn share_met_counts_unique_requirement_ids() {
    let s = scheme();
    let req = device_requirements(
        &device("{ physical: none, economic: none, recoverability: recoverable }"),
        &s,
    )
    .unwrap();
    // cat-1 requirement ids: CPS.IP-1, CPS.AC-1, CPS.AM-1, CPS.MA-1, CPS.IP.
    assert_eq!(req.requirement_ids().len(), 5);
    let mut met = BTreeMap::new();
    assert_eq!(share_met(&req, &met), Some(0.0));
    met.insert("CPS.IP-1".to_string(), true);
    met.insert("CPS.AC-1".to_string(), false);
    met.insert("CPS.UNRELATED-9".to_string(), true);
    assert_eq!(share_met(&req, &met), Some(0.2));
}

#[test]
fn bad_ratings_name_the_device_and_axis() {
    let s = scheme();
    let cases = [
        (
            "{ physical: huge, economic: none, recoverability: recoverable }",
            "rating.physical: unknown level `huge`",
        ),
        (
            "{ physical: none, recoverability: recoverable }",
            "rating.economic: missing",
        ),
        (
            "{ physical: { pets: minor }, economic: none, recoverability: recoverable }",
            "rating.physical.pets: unknown target",
        ),
        (
            "{ physical: none, economic: none, recoverability: recoverable, noise: high }",
            "rating.noise: unknown axis",
        ),
    ];
    for (rating, expected) in cases {
        match categorise(&device(rating), &s) {
            Err(DataflowError::InvalidDevice { device, problem }) => {
                assert_eq!(device, "d");
                assert!(problem.contains(expected), "{problem}");
            }
            other => panic!("{rating}: expected an error, got {other:?}"),
        }
    }
}

#[test]
fn scheme_check_finds_uncovered_combinations_and_bad_references() {
    let mut s = scheme();
    s.categories.retain(|c| c.id != "cat-1");
    match s.check() {
        Err(DataflowError::InvalidScheme { problems, .. }) => {
            assert!(
                problems
                    .iter()
                    .any(|p| p.contains("no category covers physical=none")),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let bad = Scheme::builtin().unwrap();
    let yaml = sanso_dataflow::io::to_yaml(&bad)
        .unwrap()
        .replace("min: critical", "min: catastrophic");
    let err = Scheme::from_yaml(&yaml, "<edited>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown level `catastrophic`"), "{err}");
    let yaml = sanso_dataflow::io::to_yaml(&bad)
        .unwrap()
        .replace("phase: disposal", "phase: recycling");
    let err = Scheme::from_yaml(&yaml, "<edited>")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown phase `recycling`"), "{err}");
}
