//! Real SBOMs: every SBOM in `cyclonedx/bom-examples/` and `sbom-corpus/` is ingested without
//! error (documents that are not SBOMs — CSAF advisories, VEX-only BOMs — are recognised by
//! content and skipped), then written back out in every supported format and read again.

mod common;

use std::path::Path;

use sanso_sbom::dedupe::dedupe;
use sanso_sbom::validate::CycloneDxSchemas;
use sanso_sbom::{read_sbom, read_sbom_path, write, Component, ReadOptions, Sbom, SbomError};

fn sbom_files() -> Vec<std::path::PathBuf> {
    let data = common::data_dir();
    let mut files = common::files_under(&data.join("cyclonedx/bom-examples"));
    files.extend(common::files_under(&data.join("sbom-corpus")));
    files
        .into_iter()
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "xml" | "spdx")
            )
        })
        .collect()
}

/// What a component must keep through a write/read trip. Writers document two losses: invalid
/// hashes are not written (the schema forbids them) and several licences become named ones in
/// CycloneDX, so licences are compared by text.
fn comparable(component: &Component) -> String {
    let mut hashes: Vec<String> = component
        .hashes
        .iter()
        .filter(|hash| {
            hash.value.bytes().all(|b| b.is_ascii_hexdigit())
                && [32, 40, 64, 96, 128].contains(&hash.value.len())
        })
        .map(|hash| format!("{}={}", hash.algorithm, hash.value))
        .collect();
    hashes.sort();
    let licenses: Vec<&str> = component.licenses.iter().map(|l| l.text()).collect();
    format!(
        "{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{hashes:?}|{licenses:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        component.bom_ref,
        component.kind.cyclonedx_name(),
        component.name,
        component.version,
        component.group,
        component.purl,
        component.cpe,
        component.supplier,
        component.description,
        component.scope,
        component.properties,
        component.parent
    )
}

fn assert_same_components(what: &str, original: &Sbom, again: &Sbom) {
    assert_eq!(
        original.components.len(),
        again.components.len(),
        "{what}: component count changed"
    );
    for (before, after) in original.components.iter().zip(&again.components) {
        assert_eq!(
            comparable(before),
            comparable(after),
            "{what}: component changed"
        );
    }
}

#[test]
fn real_sboms_ingest_and_round_trip() {
    let data = common::data_dir();
    let schemas = CycloneDxSchemas::load(&data.join("cyclonedx/schema"))
        .unwrap_or_else(|error| panic!("schemas: {error}"));
    let options = ReadOptions::default();
    let (mut ingested, mut skipped, mut components, mut unique) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in sbom_files() {
        let name = path
            .strip_prefix(&data)
            .unwrap_or(&path)
            .display()
            .to_string();
        let sbom = match read_sbom_path(&path, &options) {
            Ok(sbom) => sbom,
            Err(SbomError::NotAnSbom { what }) => {
                println!("skipped {name}: {what}");
                skipped += 1;
                continue;
            }
            Err(error) => {
                failures.push(format!("{name}: {error}"));
                continue;
            }
        };
        ingested += 1;
        components += sbom.components.len();
        let mut deduped = sbom.clone();
        unique += dedupe(&mut deduped).components_after;
        if let Err(problem) = round_trip(&sbom, &schemas, &options) {
            failures.push(format!("{name}: {problem}"));
        }
    }
    println!(
        "real SBOMs: {ingested} ingested ({components} components, {unique} after de-duplication), {skipped} non-SBOM documents skipped, {} failed",
        failures.len()
    );
    assert!(
        ingested >= 40,
        "expected the whole corpus, ingested {ingested}"
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

fn round_trip(
    sbom: &Sbom,
    schemas: &CycloneDxSchemas,
    options: &ReadOptions,
) -> Result<(), String> {
    let mut json = Vec::new();
    write::cyclonedx_json(sbom, &mut json).map_err(|e| format!("write CycloneDX JSON: {e}"))?;
    schemas
        .validate(&json[..], options)
        .map_err(|e| format!("written CycloneDX JSON does not validate: {e}"))?;
    let again =
        read_sbom(&json[..], options).map_err(|e| format!("re-read CycloneDX JSON: {e}"))?;
    assert_same_components("CycloneDX JSON", sbom, &again);
    assert_eq!(sbom.dependencies.is_empty(), again.dependencies.is_empty());

    let mut xml = Vec::new();
    write::cyclonedx_xml(sbom, &mut xml).map_err(|e| format!("write CycloneDX XML: {e}"))?;
    schemas
        .validate(&xml[..], options)
        .map_err(|e| format!("written CycloneDX XML does not validate: {e}"))?;
    let again = read_sbom(&xml[..], options).map_err(|e| format!("re-read CycloneDX XML: {e}"))?;
    assert_same_components("CycloneDX XML", sbom, &again);

    let mut spdx = Vec::new();
    write::spdx_json(sbom, &mut spdx).map_err(|e| format!("write SPDX JSON: {e}"))?;
    let again = read_sbom(&spdx[..], options).map_err(|e| format!("re-read SPDX JSON: {e}"))?;
    if again.components.len() != sbom.components.len() {
        return Err("SPDX round trip changed the component count".into());
    }
    for (before, after) in sbom.components.iter().zip(&again.components) {
        let same = before.name == after.name
            && before.version == after.version
            && before.purl == after.purl
            && before.cpe == after.cpe
            && before.supplier == after.supplier;
        if !same {
            return Err(format!("SPDX round trip changed {:?}", before.name));
        }
    }
    Ok(())
}

#[test]
fn tag_value_reads_like_json() {
    // An SPDX tag-value document built here, since the corpus has none.
    let text = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n\
DocumentName: demo\nDocumentNamespace: https://example.com/demo\nCreator: Tool: maker-1.2\n\
Creator: Organization: Acme\nCreated: 2024-01-01T00:00:00Z\n\n\
PackageName: zlib\nSPDXID: SPDXRef-zlib\nPackageVersion: 1.3\nPackageSupplier: Organization: zlib team\n\
PackageDownloadLocation: NOASSERTION\nPackageChecksum: SHA256: ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\n\
PackageLicenseDeclared: Zlib\nPackageDescription: <text>A compression\nlibrary</text>\n\
ExternalRef: PACKAGE-MANAGER purl pkg:generic/zlib@1.3\n\n\
PackageName: app\nSPDXID: SPDXRef-app\nPackageVersion: 2.0\nPrimaryPackagePurpose: APPLICATION\n\n\
FileName: ./a.c\nSPDXID: SPDXRef-file\n\n\
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app\nRelationship: SPDXRef-app DEPENDS_ON SPDXRef-zlib\n";
    let sbom = read_sbom(text.as_bytes(), &ReadOptions::default())
        .unwrap_or_else(|error| panic!("tag-value: {error}"));
    assert_eq!(sbom.spec_version, "2.3");
    assert_eq!(sbom.components.len(), 2);
    let zlib = &sbom.components[0];
    assert_eq!(zlib.purl.as_deref(), Some("pkg:generic/zlib@1.3"));
    assert_eq!(zlib.supplier.as_deref(), Some("zlib team"));
    assert_eq!(zlib.description.as_deref(), Some("A compression\nlibrary"));
    assert_eq!(zlib.hashes[0].algorithm, "SHA-256");
    assert_eq!(
        zlib.hashes[0].value,
        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
    );
    assert_eq!(sbom.metadata.name.as_deref(), Some("demo"));
    assert_eq!(sbom.metadata.version.as_deref(), Some("2.0"));
    assert_eq!(sbom.metadata.supplier.as_deref(), Some("Acme"));
    assert_eq!(sbom.metadata.tools[0].name, "maker");
    assert_eq!(sbom.dependencies.len(), 1);
    assert_eq!(sbom.dependencies[0].from, "SPDXRef-app");
    assert_eq!(sbom.dependencies[0].to, vec!["SPDXRef-zlib".to_string()]);
}

#[test]
fn nested_components_are_flattened_with_their_parent() {
    let path =
        Path::new("cyclonedx/spec-tests/tools/src/test/resources/1.6/valid-assembly-1.6.json");
    let path = common::data_dir().join(path);
    let sbom = read_sbom_path(&path, &ReadOptions::default())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let nested: Vec<&Component> = sbom
        .components
        .iter()
        .filter(|c| c.parent.is_some())
        .collect();
    assert!(!nested.is_empty(), "the assembly example nests components");
    for child in nested {
        let parent = child.parent.as_deref();
        assert!(
            sbom.components
                .iter()
                .any(|c| c.bom_ref.as_deref() == parent),
            "parent {parent:?} of {} is listed",
            child.name
        );
    }
}

#[test]
fn spdx_metadata_comes_from_the_described_package() {
    let path = common::data_dir().join("sbom-corpus/spdx/ubi9-9.2-755.1697625012.json");
    let sbom = read_sbom_path(&path, &ReadOptions::default())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert_eq!(sbom.spec_version, "2.2");
    assert_eq!(sbom.metadata.name.as_deref(), Some("ubi9-container"));
    assert_eq!(sbom.metadata.version.as_deref(), Some("9.2-755.1697625012"));
    assert_eq!(sbom.metadata.supplier.as_deref(), Some("Red Hat"));
    assert_eq!(
        sbom.metadata.timestamp.as_deref(),
        Some("2023-11-01T13:30:00Z")
    );
    assert!(sbom
        .components
        .iter()
        .all(|component| !component.name.is_empty()));
}
