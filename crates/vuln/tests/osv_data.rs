//! Matching over the real RustSec and Go OSV data, with expected findings checked by hand against
//! each advisory's JSON.

mod common;

use std::io::Write;

use common::*;
use sanso_vuln::load::ZipLimits;
use sanso_vuln::osv::Event;
use sanso_vuln::OsvDatabase;

/// Runs (ecosystem, name, version, expected) cases and prints the pass count.
fn check_cases(label: &str, db: &OsvDatabase, advisory: &str, cases: &[(&str, &str, &str, bool)]) {
    let mut failures = Vec::new();
    for (eco, name, version, want) in cases {
        let got = db
            .match_package(eco, name, version, false)
            .matches
            .iter()
            .any(|m| m.advisory_id == advisory);
        if got != *want {
            failures.push(format!(
                "{eco}/{name}@{version}: expected {want}, got {got}"
            ));
        }
    }
    println!(
        "{label}: {}/{} version checks passed",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{label}: {failures:#?}");
}

#[test]
fn load_all_rustsec_and_go() {
    let mut db = OsvDatabase::new();
    let rust = db.load_path(&rustsec_dir()).expect("rustsec dir");
    let go = db.load_path(&go_dir()).expect("go dir");
    println!(
        "rustsec: {} files, {} advisories added, {} load errors",
        rust.files_read,
        rust.added,
        rust.errors.len()
    );
    println!(
        "go: {} files, {} advisories added, {} load errors",
        go.files_read,
        go.added,
        go.errors.len()
    );
    println!(
        "database: {} advisories ({} withdrawn), {} packages indexed, {} distinct IDs incl. aliases",
        db.advisory_count(),
        db.withdrawn_count(),
        db.package_count(),
        db.aliases().id_count()
    );
    for e in rust.errors.iter().chain(go.errors.iter()).take(10) {
        println!("  error: {e}");
    }
    assert_eq!(rust.errors.len() + go.errors.len(), 0);
    assert_eq!(rust.files_read, 1206);
    assert_eq!(go.files_read, 4291);
    assert_eq!(db.advisory_count(), 1206 + 4291);
    assert!(db.withdrawn_count() >= 10);
}

/// Progress reaches (n, n) for a directory (parsed on several threads) and a zip, and never
/// goes past the total.
#[test]
fn loads_report_progress_up_to_the_file_count() {
    use std::sync::Mutex;
    let seen: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
    let record = |done: usize, total: usize| seen.lock().unwrap().push((done, total));
    let mut db = OsvDatabase::new();
    let report = db.load_path_with_progress(&go_dir(), &record).unwrap();
    let calls = std::mem::take(&mut *seen.lock().unwrap());
    assert!(calls.iter().all(|(d, t)| d <= t && *t == report.files_read));
    assert_eq!(calls.iter().map(|c| c.0).max(), Some(report.files_read));
    assert!(
        calls.len() > 10,
        "a directory of {} files reports as it goes",
        report.files_read
    );

    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("osv.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        for name in ["RUSTSEC-2021-0003.json", "RUSTSEC-2019-0009.json"] {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(&std::fs::read(rustsec_dir().join(name)).unwrap())
                .unwrap();
        }
        zip.finish().unwrap();
    }
    let report = OsvDatabase::new()
        .load_path_with_progress(&zip_path, &record)
        .unwrap();
    assert_eq!(report.files_read, 2);
    assert_eq!(seen.lock().unwrap().last(), Some(&(2, 2)));
}

#[test]
fn rustsec_smallvec_multiple_intervals() {
    // RUSTSEC-2018-0003: [0.3.2,0.3.4) [0.4.0-0,0.4.5) [0.5.0-0,0.5.1) [0.6.0-0,0.6.3)
    let db = db_with(&[rustsec_dir().join("RUSTSEC-2018-0003.json")]);
    let cases = [
        ("crates.io", "smallvec", "0.3.1", false),
        ("crates.io", "smallvec", "0.3.2", true),
        ("crates.io", "smallvec", "0.3.3", true),
        ("crates.io", "smallvec", "0.3.4", false),
        ("crates.io", "smallvec", "0.4.0", true),
        ("crates.io", "smallvec", "0.4.4", true),
        ("crates.io", "smallvec", "0.4.5", false),
        ("crates.io", "smallvec", "0.5.0", true),
        ("crates.io", "smallvec", "0.5.1", false),
        ("crates.io", "smallvec", "0.6.2", true),
        ("crates.io", "smallvec", "0.6.3", false),
        ("crates.io", "smallvec", "1.13.2", false),
        ("crates.io", "smallvec2", "0.3.3", false),
        ("Go", "smallvec", "0.3.3", false),
    ];
    check_cases("RUSTSEC-2018-0003", &db, "RUSTSEC-2018-0003", &cases);
    let m = db.match_package("crates.io", "smallvec", "0.6.2", false);
    assert_eq!(
        m.matches[0].reason.to_string(),
        "SEMVER introduced 0.6.0-0, fixed 0.6.3"
    );
}

#[test]
fn rustsec_time_prerelease_only_intervals() {
    // RUSTSEC-2020-0071: [0.0.0-0,0.2.0) then [0.2.N-0,0.2.N) for N=1..6 (only pre-releases),
    // then [0.2.7-0,0.2.23).
    let db = db_with(&[rustsec_dir().join("RUSTSEC-2020-0071.json")]);
    let cases = [
        ("crates.io", "time", "0.1.44", true),
        ("crates.io", "time", "0.2.0", false),
        ("crates.io", "time", "0.2.1", false),
        ("crates.io", "time", "0.2.1-beta.1", true),
        ("crates.io", "time", "0.2.6", false),
        ("crates.io", "time", "0.2.7", true),
        ("crates.io", "time", "0.2.22", true),
        ("crates.io", "time", "0.2.23", false),
        ("crates.io", "time", "0.3.36", false),
    ];
    check_cases("RUSTSEC-2020-0071", &db, "RUSTSEC-2020-0071", &cases);
}

#[test]
fn go_pseudo_versions() {
    // GO-2020-0004: introduced 0.0.0-20160722212129-ac0cc4484ad4, fixed 0.0.0-20200131131040-063a3fb69896
    let db = db_with(&[go_dir().join("GO-2020-0004.json")]);
    let pkg = "github.com/nanobox-io/golang-nanoauth";
    let cases = [
        ("Go", pkg, "v0.0.0-20160101000000-000000000000", false),
        ("Go", pkg, "v0.0.0-20160722212129-ac0cc4484ad4", true),
        ("Go", pkg, "v0.0.0-20190101000000-abcdefabcdef", true),
        ("Go", pkg, "0.0.0-20200131131039-ffffffffffff", true),
        ("Go", pkg, "v0.0.0-20200131131040-063a3fb69896", false),
        ("Go", pkg, "v0.1.0", false),
    ];
    check_cases("GO-2020-0004", &db, "GO-2020-0004", &cases);
}

#[test]
fn go_stdlib_and_toolchain() {
    // GO-2025-3373 stdlib: [0,1.22.11) [1.23.0-0,1.23.5) [1.24.0-0,1.24.0-rc.2)
    // GO-2023-2042 toolchain: [1.21.0-0,1.21.1)
    let db = db_with(&[
        go_dir().join("GO-2025-3373.json"),
        go_dir().join("GO-2023-2042.json"),
    ]);
    let stdlib = [
        ("Go", "stdlib", "go1.22.10", true),
        ("Go", "stdlib", "1.22.11", false),
        ("Go", "stdlib", "v1.23.0", true),
        ("Go", "stdlib", "1.23.4", true),
        ("Go", "stdlib", "1.23.5", false),
        ("Go", "stdlib", "1.24.0-rc.1", true),
        ("Go", "stdlib", "1.24.0-rc.2", false),
        ("Go", "stdlib", "1.24.0", false),
        ("Go", "stdlib", "1.18", true),
    ];
    check_cases("GO-2025-3373", &db, "GO-2025-3373", &stdlib);
    let toolchain = [
        ("Go", "toolchain", "1.20.5", false),
        ("Go", "toolchain", "1.21.0", true),
        ("Go", "toolchain", "1.21.0-rc.1", true),
        ("Go", "toolchain", "1.21.1", false),
        ("Go", "stdlib", "1.21.0", false),
    ];
    check_cases("GO-2023-2042", &db, "GO-2023-2042", &toolchain);
}

#[test]
fn go_open_ended_and_major_version_modules() {
    // GO-2023-2385: pubnub/go, /v5, /v6 affected at every version; /v7 fixed at 7.2.0.
    let db = db_with(&[go_dir().join("GO-2023-2385.json")]);
    let cases = [
        ("Go", "github.com/pubnub/go", "v4.10.0+incompatible", true),
        ("Go", "github.com/pubnub/go/v5", "v5.0.3", true),
        ("Go", "github.com/pubnub/go/v7", "v7.1.2", true),
        ("Go", "github.com/pubnub/go/v7", "v7.2.0", false),
        ("Go", "github.com/pubnub/go/v8", "v8.0.0", false),
    ];
    check_cases("GO-2023-2385", &db, "GO-2023-2385", &cases);
    let m = db.match_package("Go", "github.com/pubnub/go/v5", "v5.0.3", false);
    assert_eq!(
        m.matches[0].reason.to_string(),
        "SEMVER introduced 0, no fix"
    );
}

#[test]
fn withdrawn_advisories_are_excluded_unless_asked() {
    // RUSTSEC-2020-0053 (dirs, unmaintained) was withdrawn on 2021-04-19.
    let db = db_with(&[rustsec_dir().join("RUSTSEC-2020-0053.json")]);
    assert!(db.get("RUSTSEC-2020-0053").unwrap().is_withdrawn());
    let hidden = db.match_package("crates.io", "dirs", "3.0.2", false);
    assert!(hidden.matches.is_empty());
    let shown = db.match_package("crates.io", "dirs", "3.0.2", true);
    assert_eq!(shown.matches.len(), 1);
    assert!(shown.matches[0].withdrawn);
    println!("withdrawn: 2/2 checks passed");
}

#[test]
fn last_affected_on_a_real_advisory() {
    // Neither database uses last_affected, so take a real advisory and rewrite its closing event:
    // RUSTSEC-2016-0001 (openssl < 0.9.0) becomes "last_affected 0.8.3".
    let text = std::fs::read_to_string(rustsec_dir().join("RUSTSEC-2016-0001.json")).unwrap();
    let text = text.replace(r#""fixed": "0.9.0""#, r#""last_affected": "0.8.3""#);
    let advisories = sanso_vuln::load::parse_advisories("rewritten", text.as_bytes()).unwrap();
    let mut db = OsvDatabase::new();
    for a in advisories {
        db.insert(a);
    }
    let cases = [
        ("crates.io", "openssl", "0.8.2", true),
        ("crates.io", "openssl", "0.8.3", true),
        ("crates.io", "openssl", "0.8.3-alpha", true),
        ("crates.io", "openssl", "0.8.4", false),
        ("crates.io", "openssl", "0.9.0", false),
    ];
    check_cases("last_affected", &db, "RUSTSEC-2016-0001", &cases);
    let m = db.match_package("crates.io", "openssl", "0.8.0", false);
    assert_eq!(
        m.matches[0].reason.to_string(),
        "SEMVER introduced 0.0.0-0, last_affected 0.8.3"
    );
}

#[test]
fn unsorted_events_give_the_same_answers() {
    let text = std::fs::read_to_string(rustsec_dir().join("RUSTSEC-2018-0003.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = value["affected"][0]["ranges"][0]["events"]
        .as_array_mut()
        .unwrap();
    events.reverse();
    let reversed: sanso_vuln::Advisory = serde_json::from_value(value).unwrap();
    let mut shuffled = OsvDatabase::new();
    shuffled.insert(reversed);
    let original = db_with(&[rustsec_dir().join("RUSTSEC-2018-0003.json")]);
    let versions = [
        "0.3.1", "0.3.2", "0.3.4", "0.4.0", "0.4.5", "0.5.0", "0.5.1", "0.6.2", "0.6.3", "1.0.0",
    ];
    for v in versions {
        let a = !original
            .match_package("crates.io", "smallvec", v, false)
            .matches
            .is_empty();
        let b = !shuffled
            .match_package("crates.io", "smallvec", v, false)
            .matches
            .is_empty();
        assert_eq!(a, b, "{v}");
    }
    println!(
        "unsorted events: {}/{} versions agree",
        versions.len(),
        versions.len()
    );
}

#[test]
fn newer_modified_replaces_older_is_ignored() {
    let path = rustsec_dir().join("RUSTSEC-2016-0001.json");
    let mut db = db_with(std::slice::from_ref(&path));
    let text = std::fs::read_to_string(&path).unwrap();
    let newer = text
        .replace("2023-06-13T13:10:24Z", "2030-01-01T00:00:00Z")
        .replace(r#""fixed": "0.9.0""#, r#""fixed": "0.8.0""#);
    let older = text
        .replace("2023-06-13T13:10:24Z", "2020-01-01T00:00:00+09:00")
        .replace(r#""fixed": "0.9.0""#, r#""fixed": "0.1.0""#);
    use sanso_vuln::db::InsertOutcome;
    let adv = |t: &str| {
        sanso_vuln::load::parse_advisories("x", t.as_bytes())
            .unwrap()
            .remove(0)
    };
    assert_eq!(db.insert(adv(&older)), InsertOutcome::KeptExisting);
    assert!(!db
        .match_package("crates.io", "openssl", "0.8.5", false)
        .matches
        .is_empty());
    assert_eq!(db.insert(adv(&newer)), InsertOutcome::Replaced);
    assert!(db
        .match_package("crates.io", "openssl", "0.8.5", false)
        .matches
        .is_empty());
    assert!(!db
        .match_package("crates.io", "openssl", "0.7.0", false)
        .matches
        .is_empty());
    assert_eq!(db.advisory_count(), 1);
}

#[test]
fn aliases_join_cve_ghsa_rustsec() {
    let db = db_with(&[rustsec_dir().join("RUSTSEC-2016-0001.json")]);
    let aliases = db.aliases();
    assert_eq!(aliases.canonical("RUSTSEC-2016-0001"), "CVE-2016-10931");
    assert_eq!(
        aliases.group("GHSA-34p9-f4q3-c4r7"),
        vec!["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7", "RUSTSEC-2016-0001"]
    );
}

#[test]
fn severity_from_cvss_vector() {
    let db = db_with(&[rustsec_dir().join("RUSTSEC-2016-0001.json")]);
    let sev = db
        .get("RUSTSEC-2016-0001")
        .unwrap()
        .best_severity()
        .unwrap();
    // CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H = 8.1 High (FIRST calculator).
    assert_eq!(sev.base_score, Some(8.1));
    assert_eq!(sev.severity, sanso_vuln::Severity::High);
}

#[test]
fn broken_files_are_collected_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        rustsec_dir().join("RUSTSEC-2016-0001.json"),
        dir.path().join("good.json"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{"id":"X-1","modified":"2020-01-01T00:00:00Z","affected":[{"ranges":[{"type":"NOPE","events":[]}]}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("truncated.json"), r#"{"id": "X-2", "#).unwrap();
    let mut db = OsvDatabase::new();
    let report = db.load_path(dir.path()).unwrap();
    assert_eq!(report.files_read, 3);
    assert_eq!(report.added, 1);
    assert_eq!(report.errors.len(), 2);
    let messages: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("bad.json") && m.contains("$.affected[0].ranges[0].type")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("truncated.json")),
        "{messages:#?}"
    );
}

fn write_zip(path: &std::path::Path, entries: &[(&str, Vec<u8>)]) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn zip_archives_and_bomb_guards() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(rustsec_dir().join("RUSTSEC-2016-0001.json")).unwrap();
    let other = std::fs::read(go_dir().join("GO-2020-0004.json")).unwrap();
    let archive = dir.path().join("all.zip");
    write_zip(
        &archive,
        &[
            ("RUSTSEC-2016-0001.json", good.clone()),
            ("GO-2020-0004.json", other),
        ],
    );
    let mut db = OsvDatabase::new();
    let report = db.load_path(&archive).unwrap();
    assert_eq!(
        (report.files_read, report.added, report.errors.len()),
        (2, 2, 0)
    );

    // 8 MiB of spaces compress about 1000:1: refused by the ratio guard, the good entry survives.
    let mut bomb = good.clone();
    bomb.extend(std::iter::repeat_n(b' ', 8 << 20));
    let bomb_zip = dir.path().join("bomb.zip");
    write_zip(&bomb_zip, &[("bomb.json", bomb), ("ok.json", good.clone())]);
    let mut db = OsvDatabase::new();
    let report = db.load_zip(&bomb_zip, ZipLimits::default()).unwrap();
    assert_eq!(report.added, 1);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].to_string().contains("compression ratio"));

    // A total limit below the archive's declared size refuses the whole archive up front.
    let limits = ZipLimits {
        max_total_uncompressed: 1024,
        ..ZipLimits::default()
    };
    let err = OsvDatabase::new().load_zip(&archive, limits).unwrap_err();
    assert!(err.to_string().contains("above the limit"), "{err}");
    println!("zip: 3/3 guard checks passed");
}

#[test]
fn every_real_advisory_matches_its_own_introduced_versions() {
    // Sanity sweep over ALL data: for each SEMVER range, the version of each non-zero
    // `introduced` event is affected and each `fixed` version is not (unless another range or
    // interval re-covers it). Counts are printed; no advisory may produce a panic.
    let db = full_db();
    let (mut checked, mut agreed, mut skipped) = (0usize, 0usize, 0usize);
    for adv in db.advisories().filter(|a| !a.is_withdrawn()) {
        for aff in &adv.affected {
            let Some(pkg) = &aff.package else { continue };
            // Several affected[] entries for one package combine; the per-event expectation below
            // only holds when the package has a single entry.
            let entries_for_pkg = adv
                .affected
                .iter()
                .filter(|a| a.package.as_ref().is_some_and(|p| p.name == pkg.name))
                .count();
            let events: Vec<&Event> = aff.ranges.iter().flat_map(|r| r.events.iter()).collect();
            for event in &events {
                let (version, want) = match event {
                    Event::Introduced(v) if v != "0" => (v, true),
                    Event::Fixed(v) => (v, false),
                    _ => continue,
                };
                // `introduced X` + `fixed X` is an empty interval (RUSTSEC-2024-0399 has one), and
                // a fixed version may be introduced again by the next interval.
                let degenerate = events.iter().filter(|e| e.version() == version).count() > 1;
                if entries_for_pkg > 1 || degenerate {
                    skipped += 1;
                    continue;
                }
                checked += 1;
                let got = db
                    .match_package(&pkg.ecosystem, &pkg.name, version, false)
                    .matches
                    .iter()
                    .any(|m| m.advisory_id == adv.id);
                if got == want {
                    agreed += 1;
                } else {
                    println!("disagree: {} {}@{version} want {want}", adv.id, pkg.name);
                }
            }
        }
    }
    println!(
        "event sweep: {agreed}/{checked} boundary versions behave as their events say ({skipped} skipped: multi-entry packages or degenerate events)"
    );
    assert!(checked > 5000);
    assert_eq!(agreed, checked);
}

#[test]
fn zip_of_all_rustsec_equals_the_directory_and_reload_keeps_existing() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("all.zip");
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(rustsec_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    entries.sort();
    let borrowed: Vec<(&str, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.clone()))
        .collect();
    write_zip(&archive, &borrowed);

    let mut db = OsvDatabase::new();
    let from_zip = db.load_path(&archive).unwrap();
    assert_eq!(
        (from_zip.files_read, from_zip.added, from_zip.errors.len()),
        (1206, 1206, 0)
    );
    // Loading the same data again (as the directory) changes nothing: same `modified` times.
    let again = db.load_path(&rustsec_dir()).unwrap();
    assert_eq!(
        (again.added, again.replaced, again.kept_existing),
        (0, 0, 1206)
    );
    let mut from_dir = OsvDatabase::new();
    from_dir.load_path(&rustsec_dir()).unwrap();
    assert_eq!(db.advisory_count(), from_dir.advisory_count());
    assert_eq!(db.package_count(), from_dir.package_count());
    println!(
        "zip all.zip: {} entries, {} advisories, {} errors; reload kept {}",
        from_zip.files_read,
        from_zip.added,
        from_zip.errors.len(),
        again.kept_existing
    );
}

#[test]
fn ecosystem_ranges_use_the_ecosystem_ordering() {
    // PEP 440: 2.0rc1 < 2.0 < 2.0.post1; a SEMVER reading would get these wrong.
    let text = r#"{"id": "PYSEC-TEST-1", "modified": "2024-01-01T00:00:00Z",
      "affected": [{"package": {"ecosystem": "PyPI", "name": "Example_Pkg"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "2.0.post1"}]}]}]}"#;
    let mut db = OsvDatabase::new();
    for a in sanso_vuln::load::parse_advisories("inline", text.as_bytes()).unwrap() {
        db.insert(a);
    }
    let cases = [
        ("PyPI", "example-pkg", "0.9", false),
        ("PyPI", "example-pkg", "1.0", true),
        ("PyPI", "example.pkg", "2.0rc1", true),
        ("PyPI", "EXAMPLE_PKG", "2.0", true),
        ("PyPI", "example-pkg", "2.0.post1", false),
        ("PyPI", "example-pkg", "10.0", false),
    ];
    check_cases("PyPI ECOSYSTEM", &db, "PYSEC-TEST-1", &cases);
}

#[test]
fn go_module_paths_match_case_insensitively() {
    // GO-2020-0047: github.com/RobotsAndPencils/go-saml, every version. SBOM tools that follow
    // older purl rules write the path in lower case.
    let db = db_with(&[go_dir().join("GO-2020-0047.json")]);
    let cases = [
        (
            "Go",
            "github.com/RobotsAndPencils/go-saml",
            "v0.0.0-20170520135329-fb13cb52a46b",
            true,
        ),
        (
            "Go",
            "github.com/robotsandpencils/go-saml",
            "v0.0.0-20170520135329-fb13cb52a46b",
            true,
        ),
    ];
    check_cases("GO-2020-0047", &db, "GO-2020-0047", &cases);
    let p = sanso_vuln::PackageRef::from_purl(
        "pkg:golang/github.com/robotsandpencils/go-saml@v0.0.0-20170520135329-fb13cb52a46b",
    )
    .unwrap();
    let report = sanso_vuln::scan(&[p], &db, &sanso_vuln::VexSet::new());
    assert_eq!(report.findings.len(), 1);
}
