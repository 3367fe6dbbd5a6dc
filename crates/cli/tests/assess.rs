//! `sanso catalog import|list|show|export` and `sanso assess new|answer|import|export|report`
//! end to end on the backend chosen by `SANSO_TEST_DATABASE_URL`: an OSCAL catalog and a CSV
//! table imported, a ★3 assessment answered, its questionnaire exported and imported back,
//! exports in every format, the XLSX report, DOCX refused with a clear message, and bad input
//! refused with its place named and nothing stored.

use std::io::Cursor;
use std::process::{Command, Output, Stdio};

use calamine::{Reader, Xlsx};
use sanso_store::testing::TestInstallation;

fn sanso(inst: &TestInstallation, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sanso"));
    cmd.arg("--data-dir").arg(&inst.config.data_dir);
    match &inst.config.database_url {
        Some(url) => cmd.env("SANSO_DATABASE_URL", url),
        None => cmd.env_remove("SANSO_DATABASE_URL"),
    };
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run sanso");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "should have failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn oscal_fixture(name: &str) -> String {
    format!(
        "{}/../oscal/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[tokio::test]
async fn catalogs_and_assessments_through_the_cli() {
    let inst = TestInstallation::new().await;
    ok(&sanso(
        &inst,
        &[
            "admin",
            "create",
            "--email",
            "lead@example.com",
            "--name",
            "Lead",
            "--workspace",
            "Buyer",
        ],
        Some("a long password\n"),
    ));
    let list = ok(&sanso(&inst, &["workspace", "list"], None));
    let ws = list
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();

    // An OSCAL catalog and a CSV table.
    let out = ok(&sanso(
        &inst,
        &[
            "catalog",
            "import",
            &oscal_fixture("mini-catalog.json"),
            "--workspace",
            &ws,
            "--id",
            "mini",
            "--catalog-version",
            "1",
        ],
        None,
    ));
    assert!(out.contains("imported mini version 1"), "{out}");
    std::fs::write(
        path("table.csv"),
        "framework,version,group_path,requirement_id,title_ja,title_en,levels\n\
         own,2026,G1,R-1,台帳を作る,Keep an inventory,Basic\n\
         own,2026,G1,R-2,教育する,Train staff,Basic\n",
    )
    .unwrap();
    let out = ok(&sanso(
        &inst,
        &["catalog", "import", &path("table.csv"), "--workspace", &ws],
        None,
    ));
    assert!(
        out.contains("imported own version 2026 (2 requirements"),
        "{out}"
    );
    let list = ok(&sanso(
        &inst,
        &["catalog", "list", "--workspace", &ws],
        None,
    ));
    assert!(list.contains("mini\t1\timported"), "{list}");
    assert!(list.contains("meti-star-draft"), "{list}");
    let show = ok(&sanso(
        &inst,
        &["catalog", "show", "own", "--workspace", &ws],
        None,
    ));
    assert!(
        show.contains("- R-2 [Basic] 教育する / Train staff"),
        "{show}"
    );
    let yaml = ok(&sanso(
        &inst,
        &[
            "catalog",
            "export",
            "own",
            "--workspace",
            &ws,
            "--format",
            "yaml",
        ],
        None,
    ));
    assert!(yaml.contains("id: own"), "{yaml}");

    // Bad input: a CSV row with an unknown layer; nothing stored.
    std::fs::write(
        path("bad.csv"),
        "group_path,requirement_id,title_en,layers\nG,R-1,T,L9\n",
    )
    .unwrap();
    let err = failed(&sanso(
        &inst,
        &[
            "catalog",
            "import",
            &path("bad.csv"),
            "--workspace",
            &ws,
            "--id",
            "bad",
            "--catalog-version",
            "1",
        ],
        None,
    ));
    assert!(err.contains("bad.csv: row 2, column D"), "{err}");
    let list = ok(&sanso(
        &inst,
        &["catalog", "list", "--workspace", &ws],
        None,
    ));
    assert!(!list.contains("bad\t"), "{list}");

    // A ★3 assessment, answered from the command line.
    let id = ok(&sanso(
        &inst,
        &[
            "assess",
            "new",
            "--workspace",
            &ws,
            "--catalog",
            "meti-star-draft",
            "--level",
            "star3",
            "--title",
            "CLI評価",
        ],
        None,
    ))
    .trim()
    .to_string();
    let star = sanso_catalog::builtin::builtin_catalog("meti-star-draft").unwrap();
    let first = &star.requirements_at_level("star3")[0].id;
    let out = ok(&sanso(
        &inst,
        &[
            "assess",
            "answer",
            &id,
            first,
            "partial",
            "--workspace",
            &ws,
            "--comment",
            "一部の拠点のみ",
            "--owner",
            "総務部",
            "--due",
            "2027-03-31",
        ],
        None,
    ));
    assert!(out.contains("partial"), "{out}");
    let err = failed(&sanso(
        &inst,
        &[
            "assess",
            "answer",
            &id,
            "NO-SUCH",
            "partial",
            "--workspace",
            &ws,
        ],
        None,
    ));
    assert!(err.contains("NO-SUCH"), "{err}");

    // Questionnaire out and back in: identical answers.
    ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "xlsx",
            "-o",
            &path("q.xlsx"),
        ],
        None,
    ));
    let before = ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "json",
        ],
        None,
    ));
    let out = ok(&sanso(
        &inst,
        &["assess", "import", &id, &path("q.xlsx"), "--workspace", &ws],
        None,
    ));
    assert!(out.contains("1 answers stored"), "{out}");
    let after = ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "json",
        ],
        None,
    ));
    let answers = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text).unwrap()["assessment"]["answers"].clone()
    };
    assert_eq!(answers(&before), answers(&after));
    assert_eq!(answers(&after)[0]["owner"], "総務部");

    // OSCAL exports and CSV.
    let ar = ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "oscal-ar",
        ],
        None,
    ));
    assert!(ar.contains("\"assessment-results\""), "{ar}");
    let poam = ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "oscal-poam",
        ],
        None,
    ));
    assert!(poam.contains("\"poam-items\""));
    let csv = ok(&sanso(
        &inst,
        &[
            "assess",
            "export",
            &id,
            "--workspace",
            &ws,
            "--format",
            "csv",
        ],
        None,
    ));
    assert_eq!(
        csv.lines().count(),
        star.requirements_at_level("star3").len() + 1
    );

    // Reports: XLSX with its four sheets; the DOCX the web UI gives.
    ok(&sanso(
        &inst,
        &[
            "assess",
            "report",
            &id,
            "--workspace",
            &ws,
            "--lang",
            "en",
            "-o",
            &path("report.xlsx"),
        ],
        None,
    ));
    let workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(std::fs::read(path("report.xlsx")).unwrap())).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["Summary", "Groups", "Gaps", "Plan"]
    );
    ok(&sanso(
        &inst,
        &[
            "assess",
            "report",
            &id,
            "--workspace",
            &ws,
            "--format",
            "docx",
            "--lang",
            "en",
            "-o",
            &path("report.docx"),
        ],
        None,
    ));
    let mut docx =
        zip::ZipArchive::new(Cursor::new(std::fs::read(path("report.docx")).unwrap())).unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut docx.by_name("word/document.xml").unwrap(), &mut body)
        .unwrap();
    assert!(body.contains("CLI評価"), "the title is in the document");
    assert!(
        body.contains("Draft"),
        "the English state label: {body:.400}"
    );
    // An unknown assessment fails with its id and writes nothing.
    let err = failed(&sanso(
        &inst,
        &[
            "assess",
            "report",
            "no-such-assessment",
            "--workspace",
            &ws,
            "--format",
            "docx",
            "-o",
            &path("missing.docx"),
        ],
        None,
    ));
    assert!(err.contains("no-such-assessment"), "{err}");
    assert!(!dir.path().join("missing.docx").exists());
}
