//! De-duplication rules and exact write → read round trips on a hand-made document.

use sanso_sbom::dedupe::{canonical_purl, dedupe, identity, Identity};
use sanso_sbom::{
    read_sbom, write, Component, ComponentKind, Dependency, Encoding, Hash, License, Metadata,
    Property, ReadOptions, Sbom, SbomFormat, Scope, Tool,
};

fn component(reference: &str, name: &str, purl: Option<&str>) -> Component {
    Component {
        bom_ref: Some(reference.into()),
        kind: ComponentKind::Library,
        name: name.into(),
        version: Some("1.0".into()),
        purl: purl.map(str::to_string),
        ..Component::default()
    }
}

fn sample() -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, Encoding::Json, "1.6");
    sbom.serial = Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into());
    sbom.revision = Some(3);
    sbom.metadata = Metadata {
        name: Some("product".into()),
        version: Some("2.0".into()),
        supplier: Some("Acme 株式会社".into()),
        timestamp: Some("2026-01-01T09:00:00+09:00".into()),
        tools: vec![Tool {
            vendor: Some("Acme".into()),
            name: "builder".into(),
            version: Some("9".into()),
        }],
        component: Some(Box::new(component("product", "product", None))),
    };
    let mut app = component("app", "app", Some("pkg:maven/com.acme/app@1.0?type=jar"));
    app.kind = ComponentKind::Application;
    app.group = Some("com.acme".into());
    app.cpe = Some("cpe:2.3:a:acme:app:1.0:*:*:*:*:*:*:*".into());
    app.hashes = vec![Hash {
        algorithm: "SHA-256".into(),
        value: "a".repeat(64),
    }];
    app.licenses = vec![License::Expression("Apache-2.0 OR MIT".into())];
    app.supplier = Some("Acme".into());
    app.description = Some("An <app> & \"friends\"".into());
    app.scope = Some(Scope::Required);
    app.properties = vec![Property {
        name: "internal:team".into(),
        value: "設計部".into(),
    }];
    let mut file = component("app-file", "app.jar", None);
    file.kind = ComponentKind::File;
    file.parent = Some("app".into());
    let mut two_licences = component("lib", "lib", Some("pkg:npm/lib@1.0"));
    two_licences.licenses = vec![
        License::Named("Custom".into()),
        License::Named("Other".into()),
    ];
    sbom.components = vec![app, file, two_licences];
    sbom.dependencies = vec![Dependency {
        from: "app".into(),
        to: vec!["lib".into()],
    }];
    sbom
}

#[test]
fn cyclonedx_json_and_xml_round_trips_are_exact() {
    let sbom = sample();
    let options = ReadOptions::default();
    for (label, bytes) in [
        ("json", {
            let mut out = Vec::new();
            write::cyclonedx_json(&sbom, &mut out).unwrap_or_else(|e| panic!("{e}"));
            out
        }),
        ("xml", {
            let mut out = Vec::new();
            write::cyclonedx_xml(&sbom, &mut out).unwrap_or_else(|e| panic!("{e}"));
            out
        }),
    ] {
        let again = read_sbom(&bytes[..], &options).unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(again.components, sbom.components, "{label}");
        assert_eq!(again.dependencies, sbom.dependencies, "{label}");
        assert_eq!(again.serial, sbom.serial, "{label}");
        assert_eq!(again.revision, sbom.revision, "{label}");
        assert_eq!(again.metadata.name, sbom.metadata.name, "{label}");
        assert_eq!(again.metadata.supplier, sbom.metadata.supplier, "{label}");
        assert_eq!(again.metadata.timestamp, sbom.metadata.timestamp, "{label}");
        assert!(
            again.metadata.tools.iter().any(|t| t.name == "builder"),
            "{label}"
        );
        assert_eq!(again.spec_version, "1.6");
    }
}

#[test]
fn spdx_json_round_trip_keeps_packages_and_edges() {
    let sbom = sample();
    let mut out = Vec::new();
    write::spdx_json(&sbom, &mut out).unwrap_or_else(|e| panic!("{e}"));
    let again = read_sbom(&out[..], &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.format, SbomFormat::Spdx);
    assert_eq!(again.spec_version, "2.3");
    assert_eq!(again.components.len(), 3);
    let app = &again.components[0];
    assert_eq!(app.bom_ref.as_deref(), Some("SPDXRef-app"));
    assert_eq!(app.purl, sbom.components[0].purl);
    assert_eq!(app.cpe, sbom.components[0].cpe);
    assert_eq!(app.hashes, sbom.components[0].hashes);
    assert_eq!(app.licenses, sbom.components[0].licenses);
    assert_eq!(app.kind, ComponentKind::Application);
    // The nested file becomes a CONTAINS edge, the dependency a DEPENDS_ON edge.
    let edges = &again.dependencies[0];
    assert_eq!(edges.from, "SPDXRef-app");
    assert_eq!(
        edges.to,
        vec!["SPDXRef-app-file".to_string(), "SPDXRef-lib".to_string()]
    );
}

#[test]
fn duplicates_merge_and_edges_follow() {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, Encoding::Json, "1.6");
    let mut first = component("a1", "a", Some("pkg:npm/a@1.0"));
    first.hashes = vec![Hash {
        algorithm: "SHA-1".into(),
        value: "1".repeat(40),
    }];
    first.scope = Some(Scope::Optional);
    let mut second = component("a2", "a", Some("PKG:NPM/a@1.0"));
    second.licenses = vec![License::Expression("MIT".into())];
    second.supplier = Some("npm".into());
    second.scope = Some(Scope::Required);
    let mut child = component("c", "child", None);
    child.parent = Some("a2".into());
    let by_coordinates_1 = component("x1", "x", None);
    let by_coordinates_2 = component("x2", "x", None);
    let nameless = Component::default();
    sbom.components = vec![
        first,
        second,
        child,
        by_coordinates_1,
        by_coordinates_2,
        nameless.clone(),
        nameless,
    ];
    sbom.dependencies = vec![
        Dependency {
            from: "a1".into(),
            to: vec!["c".into()],
        },
        Dependency {
            from: "a2".into(),
            to: vec!["c".into(), "x2".into(), "a1".into()],
        },
    ];
    let report = dedupe(&mut sbom);
    assert_eq!(report.components_before, 7);
    assert_eq!(report.components_after, 5, "{:#?}", sbom.components);
    let a = &sbom.components[0];
    assert_eq!(a.bom_ref.as_deref(), Some("a1"));
    assert_eq!(a.hashes.len(), 1);
    assert_eq!(a.licenses, vec![License::Expression("MIT".into())]);
    assert_eq!(a.supplier.as_deref(), Some("npm"));
    assert_eq!(a.scope, Some(Scope::Required));
    assert_eq!(sbom.components[1].parent.as_deref(), Some("a1"));
    assert_eq!(
        sbom.dependencies,
        vec![Dependency {
            from: "a1".into(),
            to: vec!["c".into(), "x1".into()],
        }]
    );
    assert_eq!(report.dependency_lists_merged, 1);
}

#[test]
fn identity_prefers_the_canonical_purl() {
    let mut with_purl = component("r", "name", Some("pkg:PyPI/Foo_Bar@1.0?b=2&a=1"));
    assert_eq!(
        identity(&with_purl),
        Some(Identity::Purl("pkg:pypi/foo-bar@1.0?a=1&b=2".into()))
    );
    with_purl.purl = None;
    assert!(matches!(
        identity(&with_purl),
        Some(Identity::Coordinates { .. })
    ));
    assert_eq!(canonical_purl("not a purl"), "not a purl");
}
