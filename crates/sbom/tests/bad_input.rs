//! Bad input gives a clear error naming the problem and the place — never a panic.

use std::io::Read;

use sanso_sbom::{read_sbom, ReadOptions, SbomError};

fn read(text: &str) -> Result<sanso_sbom::Sbom, SbomError> {
    read_sbom(text.as_bytes(), &ReadOptions::default())
}

#[test]
fn truncated_json_names_line_and_column() {
    let text = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"type\": \"library\", \"name\": \"a\"";
    match read(text) {
        Err(SbomError::Json { line, message, .. }) => {
            assert_eq!(line, 5, "{message}");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn wrong_type_for_components_names_the_path() {
    let error = read(r#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": 5}"#)
        .expect_err("components: 5 must be rejected");
    let text = error.to_string();
    assert!(text.contains("$.components"), "{text}");
    assert!(
        text.contains("expected an array of CycloneDX components"),
        "{text}"
    );
}

#[test]
fn wrong_type_inside_a_component_names_the_element() {
    let error = read(
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
            {"type": "library", "name": "a"},
            {"type": "library", "name": "b", "hashes": [{"alg": "SHA-1", "content": 7}]}]}"#,
    )
    .expect_err("a numeric hash must be rejected");
    match &error {
        SbomError::Json { path, line, .. } => {
            assert_eq!(path, "$.components[1].hashes[0].content", "{error}");
            assert_eq!(*line, 3);
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn xml_with_bad_nesting_names_the_position() {
    let text = "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n  <components>\n    <component type=\"library\"><name>a</version></component>\n  </components>\n</bom>\n";
    match read(text) {
        Err(SbomError::Xml {
            line,
            message,
            path,
            ..
        }) => {
            assert_eq!(line, 4, "{message}");
            assert!(path.contains("component"), "{path}");
        }
        other => panic!("expected an XML error, got {other:?}"),
    }
}

#[test]
fn truncated_xml_is_an_error() {
    let text = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components><component type=\"library\"><name>a</name>";
    assert!(matches!(read(text), Err(SbomError::Xml { .. })));
}

#[test]
fn xml_in_another_namespace_is_not_cyclonedx() {
    let text = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>";
    assert!(matches!(read(text), Err(SbomError::UnknownFormat { .. })));
}

#[test]
fn unknown_versions_and_formats_are_named() {
    assert!(matches!(
        read(r#"{"bomFormat": "CycloneDX", "specVersion": "9.9", "components": []}"#),
        Err(SbomError::UnsupportedVersion { .. })
    ));
    assert!(matches!(
        read(r#"{"hello": "world"}"#),
        Err(SbomError::UnknownFormat { .. })
    ));
    assert!(matches!(read(""), Err(SbomError::UnknownFormat { .. })));
    assert!(matches!(
        read(r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#),
        Err(SbomError::UnsupportedVersion { format: "SPDX", .. })
    ));
    assert!(matches!(
        read("just text"),
        Err(SbomError::UnknownFormat { .. })
    ));
    assert!(matches!(
        read("SPDXVersion: SPDX-2.3\nPackageName: a\nPackageChecksum: nocolon\n"),
        Err(SbomError::TagValue { line: 3, .. })
    ));
}

/// A reader that would produce gigabytes; it counts what is actually pulled from it.
struct Endless {
    produced: u64,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let prefix = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":["#;
        let mut written = 0;
        for slot in buf.iter_mut() {
            let position = self.produced as usize;
            *slot = if position < prefix.len() {
                prefix[position]
            } else {
                // `{"type":"library","name":"x"},` repeated forever.
                br#"{"type":"library","name":"x"},"#[(position - prefix.len()) % 30]
            };
            self.produced += 1;
            written += 1;
        }
        Ok(written)
    }
}

#[test]
fn input_over_the_limit_is_rejected_without_reading_it_all() {
    let limit = 1 << 20;
    let mut source = Endless { produced: 0 };
    let result = read_sbom(&mut source, &ReadOptions { max_bytes: limit });
    assert!(matches!(result, Err(SbomError::TooLarge { limit: l }) if l == limit));
    assert!(
        source.produced <= limit + 1,
        "read {} bytes past a limit of {limit}",
        source.produced
    );
}

#[test]
fn file_over_the_limit_is_rejected_before_reading() {
    let dir = std::env::temp_dir().join(format!("sanso-sbom-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.join("big.json");
    std::fs::write(&path, vec![b' '; 4096]).unwrap_or_else(|e| panic!("write: {e}"));
    let result = sanso_sbom::read_sbom_path(&path, &ReadOptions { max_bytes: 1024 });
    assert!(matches!(result, Err(SbomError::TooLarge { .. })));
    let missing = sanso_sbom::read_sbom_path(&dir.join("missing.json"), &ReadOptions::default());
    assert!(matches!(missing, Err(SbomError::File { .. })));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fuzzed_prefixes_never_panic() {
    // Every prefix of a real-looking document must give Ok or an error, not a panic.
    let json = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"tools":[{"name":"t"}]},"components":[{"type":"library","name":"a","licenses":[{"license":{"id":"MIT"}}],"components":[{"type":"file","name":"b"}]}],"dependencies":[{"ref":"a","dependsOn":["b"]}]}"#;
    let xml = r#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><metadata><tools><tool><name>t</name></tool></tools></metadata><components><component type="library" bom-ref="a"><name>a &amp; b</name><licenses><expression>MIT</expression></licenses></component></components><dependencies><dependency ref="a"/></dependencies></bom>"#;
    for document in [json, xml] {
        for end in 0..document.len() {
            let _ = read(&document[..end]);
        }
        assert!(read(document).is_ok(), "the whole document reads");
    }
}
