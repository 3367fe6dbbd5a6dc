//! Reader details: namespaces and extensions in XML, entities, `null` arrays, product parts
//! nested in `metadata.component`, SPDX relationship directions.

use sanso_sbom::{read_sbom, write, ComponentKind, License, ReadOptions, SbomFormat, Scope};

fn read(text: &str) -> sanso_sbom::Sbom {
    read_sbom(text.as_bytes(), &ReadOptions::default()).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn xml_with_prefixes_extensions_and_entities() {
    let sbom = read(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<c:bom xmlns:c="http://cyclonedx.org/schema/bom/1.5" xmlns:x="urn:example:ext" version="2">
  <c:components>
    <c:component type="library" bom-ref="a">
      <x:note><c:name>not this</c:name></x:note>
      <c:name>A &amp; B &#x41;<![CDATA[<raw>]]></c:name>
      <c:version>1.0</c:version>
      <c:scope>optional</c:scope>
      <c:licenses><c:license><c:name>Custom</c:name></c:license></c:licenses>
    </c:component>
    <x:component><c:name>foreign</c:name></x:component>
  </c:components>
  <x:extra/>
</c:bom>"#,
    );
    assert_eq!(sbom.spec_version, "1.5");
    assert_eq!(sbom.revision, Some(2));
    assert_eq!(sbom.components.len(), 1);
    let component = &sbom.components[0];
    assert_eq!(component.name, "A & B A<raw>");
    assert_eq!(component.scope, Some(Scope::Optional));
    assert_eq!(component.licenses, vec![License::Named("Custom".into())]);
}

#[test]
fn json_nulls_and_unknown_fields_are_tolerated() {
    let sbom = read(
        r#"{"components": [{"type": "firmware", "name": "fw", "hashes": null, "licenses": null,
            "x-vendor": {"deep": [1, 2, {"a": null}]}}],
            "dependencies": null, "bomFormat": "CycloneDX", "specVersion": "1.4"}"#,
    );
    assert_eq!(sbom.components[0].kind, ComponentKind::Firmware);
    assert!(sbom.dependencies.is_empty());
}

#[test]
fn parts_of_the_described_product_are_components() {
    let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
        "metadata": {"component": {"type": "device", "bom-ref": "dev", "name": "controller",
            "version": "3", "components": [{"type": "firmware", "bom-ref": "fw", "name": "boot"}]},
            "tools": [{"vendor": "v", "name": "legacy-tool", "version": "1"}]},
        "components": [{"type": "library", "bom-ref": "lib", "name": "libc"}]}"#;
    let sbom = read(text);
    assert_eq!(sbom.metadata.name.as_deref(), Some("controller"));
    assert_eq!(sbom.metadata.tools[0].name, "legacy-tool");
    assert_eq!(sbom.components.len(), 2);
    assert_eq!(sbom.components[1].parent.as_deref(), Some("dev"));
    // Written back, the part is nested in metadata.component again.
    let mut json = Vec::new();
    write::cyclonedx_json(&sbom, &mut json).unwrap_or_else(|error| panic!("{error}"));
    let again = read_sbom(&json[..], &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.components, sbom.components);
    let mut xml = Vec::new();
    write::cyclonedx_xml(&sbom, &mut xml).unwrap_or_else(|error| panic!("{error}"));
    let again = read_sbom(&xml[..], &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.components, sbom.components);
}

#[test]
fn spdx_relationships_point_from_dependent_to_dependency() {
    let sbom = read(
        r#"{"spdxVersion": "SPDX-2.3", "name": "doc", "documentNamespace": "https://example.com/d",
        "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: gen"]},
        "packages": [
          {"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "NOASSERTION",
           "licenseConcluded": "MIT", "licenseDeclared": "MIT",
           "checksums": [{"algorithm": "SHA1", "checksumValue": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}],
           "externalRefs": [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
                             "referenceLocator": "cpe:2.3:a:x:a:1:*:*:*:*:*:*:*"},
                            {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                             "referenceLocator": "pkg:npm/a@1"},
                            {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                             "referenceLocator": "pkg:npm/a-alias@1"}]},
          {"SPDXID": "SPDXRef-b", "name": "b"}],
        "relationships": [
          {"spdxElementId": "SPDXRef-b", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-a"},
          {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-b"},
          {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-a"}]}"#,
    );
    assert_eq!(sbom.format, SbomFormat::Spdx);
    let a = &sbom.components[0];
    assert_eq!(a.version, None, "NOASSERTION is no version");
    assert_eq!(a.licenses, vec![License::Expression("MIT".into())]);
    assert_eq!(a.hashes[0].algorithm, "SHA-1");
    assert_eq!(a.purl.as_deref(), Some("pkg:npm/a@1"));
    assert!(a.cpe.is_some());
    assert_eq!(
        a.properties.len(),
        1,
        "the second purl is kept as a property"
    );
    assert_eq!(sbom.dependencies.len(), 1);
    assert_eq!(sbom.dependencies[0].to, vec!["SPDXRef-b".to_string()]);
    assert_eq!(sbom.metadata.name.as_deref(), Some("doc"));
    assert_eq!(sbom.metadata.tools[0].name, "gen");
}

/// A sink that stores nothing and stops after a number of components.
struct Counting {
    seen: usize,
    stop_after: usize,
}

impl sanso_sbom::ComponentSink for Counting {
    fn accept(
        &mut self,
        _component: sanso_sbom::Component,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if self.seen == self.stop_after {
            return Err("storage is full".into());
        }
        self.seen += 1;
        Ok(())
    }
}

#[test]
fn components_stream_to_a_sink_and_a_sink_error_stops_reading() {
    let json = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
        {"type": "library", "name": "a"}, {"type": "library", "name": "b",
         "components": [{"type": "file", "name": "b1"}]}, {"type": "library", "name": "c"}]}"#;
    let xml = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>
        <component type="library"><name>a</name></component>
        <component type="library"><name>b</name><components><component type="file"><name>b1</name></component></components></component>
        <component type="library"><name>c</name></component></components></bom>"#;
    let spdx = "SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nPackageName: b\nSPDXID: SPDXRef-b\n\
PackageName: b1\nSPDXID: SPDXRef-b1\nPackageName: c\nSPDXID: SPDXRef-c\n\
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-c\n";
    for document in [json, xml, spdx] {
        let mut all = Counting {
            seen: 0,
            stop_after: usize::MAX,
        };
        let sbom =
            sanso_sbom::read_sbom_into(document.as_bytes(), &ReadOptions::default(), &mut all)
                .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(all.seen, 4);
        assert!(sbom.components.is_empty());
        let mut full = Counting {
            seen: 0,
            stop_after: 2,
        };
        match sanso_sbom::read_sbom_into(document.as_bytes(), &ReadOptions::default(), &mut full) {
            Err(sanso_sbom::SbomError::Sink { location, source }) => {
                assert_eq!(source.to_string(), "storage is full");
                assert!(!location.is_empty());
            }
            other => panic!("expected the sink's error, got {other:?}"),
        }
    }
    let sbom = read(spdx);
    assert_eq!(
        sbom.metadata.name.as_deref(),
        Some("c"),
        "described package found after streaming"
    );
}
