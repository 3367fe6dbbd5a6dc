//! Tabular import from CSV and XLSX: the documented layout, merging into the CPSF skeleton,
//! and all-or-nothing errors that name file, row and column.

use rust_xlsxwriter::Workbook;
use sanso_catalog::builtin::builtin_catalog;
use sanso_catalog::tabular::{import_csv, import_xlsx, ImportOptions, TabularError};
use sanso_catalog::{ComponentKind, CpsfFunction, Layer};

const CSV: &str = "\u{feff}framework,version,group_path,group_title_en,requirement_id,title_ja,title_en,levels,criteria_en,layers,components,functions,phases,verified,my own column\n\
demo,2,ID > ID.AM,Asset management,AM-1,資産台帳,Keep an asset inventory,Basic,\"Inventory exists\nAM-1.x9: Reviewed yearly\",L1;L3,ソシキ、data,ID,design,yes,ignored\n\
demo,2,ID > ID.AM,,AM-2,,Know your software,Basic;Advanced,,2,system,identify,,no,\n\
demo,2,PR,Protect,PR-1,,Patch,Advanced,,,,protect,operation,,\n";

fn errors(result: Result<sanso_catalog::Catalog, Vec<TabularError>>) -> Vec<String> {
    result
        .expect_err("should fail")
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn csv_builds_a_catalog_from_the_documented_columns() {
    let catalog = import_csv(
        CSV.as_bytes(),
        "demo.csv",
        &ImportOptions::new_catalog("", ""),
    )
    .expect("imports");
    assert_eq!(
        (catalog.id.as_str(), catalog.version.as_str()),
        ("demo", "2")
    );
    assert_eq!(catalog.requirement_count(), 3);
    let levels: Vec<&str> = catalog.levels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(levels, ["Basic", "Advanced"]);
    let am1 = catalog.find_requirement("AM-1").expect("AM-1");
    assert_eq!(am1.title.ja, "資産台帳");
    assert_eq!(am1.layers, [Layer::L1, Layer::L3]);
    assert_eq!(
        am1.components,
        [ComponentKind::Organization, ComponentKind::Data]
    );
    assert_eq!(am1.functions, [CpsfFunction::Identify]);
    let criteria: Vec<&str> = am1.criteria.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(criteria, ["AM-1.1", "AM-1.x9"]);
    assert_eq!(am1.criteria[1].text.en, "Reviewed yearly");
    assert!(!catalog.find_requirement("AM-2").expect("AM-2").verified);
    let group = catalog.find_group("ID.AM").expect("nested group");
    assert_eq!(group.title.en, "Asset management");
    assert_eq!(catalog.groups.len(), 2);
    catalog.validate().expect("valid");
}

#[test]
fn csv_rows_merge_into_the_cpsf_skeleton() {
    let cpsf = builtin_catalog("cpsf").expect("cpsf");
    let before = cpsf.requirement_count();
    let table = "requirement_id,group_path,title_ja,title_en,levels,layers,components\n\
CPS.AM-1,CPS.AM,資産台帳(公式),Official AM-1,basic,L1,component\n\
CPS.AM-2,CPS.AM,二番目,Second,advanced,L2,component\n\
CPS.BE-1,CPS.BE,事業環境,Business env 1,,L1,organization\n";
    let merged = import_csv(
        table.as_bytes(),
        "cpsf.csv",
        &ImportOptions::into_base(cpsf),
    )
    .expect("merge");
    assert_eq!(
        merged.requirement_count(),
        before + 2,
        "AM-1 replaced, two added"
    );
    assert_eq!(
        merged.find_requirement("CPS.AM-1").expect("AM-1").title.en,
        "Official AM-1"
    );
    // Placed under the existing category, itself under the Identify function group.
    let identify = merged.find_group("CPS-ID").expect("function group");
    let am = identify
        .groups
        .iter()
        .find(|g| g.id == "CPS.AM")
        .expect("category");
    assert_eq!(am.requirements.len(), 2);
    assert_eq!(merged.groups.len(), 4, "no new top-level group");

    // With a base, unknown levels are typos, not new levels.
    let typo = "requirement_id,group_path,title_en,levels\nCPS.AM-9,CPS.AM,x,expert\n";
    let found = errors(import_csv(
        typo.as_bytes(),
        "typo.csv",
        &ImportOptions::into_base(builtin_catalog("cpsf").expect("cpsf")),
    ));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("typo.csv: row 2, column D (levels): unknown level \"expert\""),
        "{}",
        found[0]
    );
}

#[test]
fn every_bad_cell_is_reported_and_nothing_is_built() {
    let table = "framework,version,group_path,requirement_id,title_en,layers,components,functions,verified,criteria_ja,criteria_en\n\
demo,1,G,R-1,ok,L4,robots,sideways,maybe,\"a\nb\",x\n\
other,1,G,R-1,dup,,,,,,\n\
demo,1,,R-3,no group,,,,,,\n\
demo,1,G,,no id,,,,,,\n\
demo,1,G,R-5,,,,,,,\n\
demo,1,G > H,R-6,sub,,,,,,\n\
demo,1,X > H,R-7,moved,,,,,,\n";
    let found = errors(import_csv(
        table.as_bytes(),
        "bad.csv",
        &ImportOptions::new_catalog("", ""),
    ));
    let expect = [
        "bad.csv: row 2, column F (layers): \"L4\" is not a CPSF layer (L1, L2, L3)",
        "bad.csv: row 2, column G (components): \"robots\" is not a CPSF component",
        "bad.csv: row 2, column H (functions): \"sideways\" is not a CPSF function",
        "bad.csv: row 2, column I (verified): \"maybe\" is not true/false",
        "bad.csv: row 2, column K (criteria_en): 1 English criteria but 2 Japanese ones",
        "bad.csv: row 3, column A (framework): \"other\" differs from the catalog's \"demo\"",
        "bad.csv: row 3, column D (requirement_id): requirement \"R-1\" appears twice (first in row 2)",
        "bad.csv: row 4, column C (group_path): group_path is empty",
        "bad.csv: row 5, column D (requirement_id): requirement_id is empty",
        "bad.csv: row 6, column E (title_en): requirement \"R-5\" has neither title nor text",
        "bad.csv: row 8, column C (group_path): group \"H\" already exists under \"G\", not under \"X\"",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.starts_with(e)),
            "missing {e:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}

#[test]
fn missing_columns_are_named() {
    let found = errors(import_csv(
        b"title_en,levels\nx,y\n",
        "cols.csv",
        &ImportOptions::new_catalog("d", "1"),
    ));
    assert_eq!(
        found,
        [
            "cols.csv: row 1: required column \"requirement_id\" is missing",
            "cols.csv: row 1: required column \"group_path\" is missing",
        ]
    );
    let found = errors(import_csv(
        b"requirement_id,group_path\nx,y\n",
        "cols.csv",
        &ImportOptions::new_catalog("d", "1"),
    ));
    assert_eq!(
        found,
        ["cols.csv: row 1: no title or text column (title_ja, title_en, title, text_ja, text_en or text)"]
    );
    let found = errors(import_csv(
        b"requirement_id,group_path,title_en\nx,G,t\n",
        "noid.csv",
        &ImportOptions::new_catalog("", ""),
    ));
    assert_eq!(found.len(), 2, "{found:?}");
}

#[test]
fn xlsx_sheet_imports_the_same_as_csv() {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(CSV.as_bytes());
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("CPSF table").expect("name");
    for (r, record) in reader.records().enumerate() {
        for (c, value) in record.expect("record").iter().enumerate() {
            // Numbers as numbers, as Excel would store them.
            match value.parse::<f64>() {
                Ok(n) => sheet.write_number(r as u32, c as u16, n).map(|_| ()),
                Err(_) => sheet
                    .write_string(r as u32, c as u16, value.trim_start_matches('\u{feff}'))
                    .map(|_| ()),
            }
            .expect("write");
        }
    }
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let from_xlsx = import_xlsx(
        &bytes,
        "demo.xlsx",
        Some("CPSF table"),
        &ImportOptions::new_catalog("", ""),
    )
    .expect("xlsx imports");
    let mut from_csv = import_csv(
        CSV.as_bytes(),
        "demo.csv",
        &ImportOptions::new_catalog("", ""),
    )
    .expect("csv imports");
    from_csv.source = from_xlsx.source.clone();
    assert_eq!(from_xlsx, from_csv);

    let bad = import_xlsx(
        b"not a zip",
        "junk.xlsx",
        None,
        &ImportOptions::new_catalog("", ""),
    );
    let found = errors(bad);
    assert!(
        found[0].starts_with("junk.xlsx: row 0: not readable as XLSX"),
        "{found:?}"
    );
    let missing = errors(import_xlsx(
        &bytes,
        "demo.xlsx",
        Some("Nope"),
        &ImportOptions::new_catalog("", ""),
    ));
    assert!(missing[0].contains("sheet \"Nope\""), "{missing:?}");
}

#[test]
fn shipped_cpsf_template_imports_into_the_cpsf_skeleton() {
    let template = include_str!("../templates/cpsf-import-template.csv");
    let cpsf = builtin_catalog("cpsf").expect("cpsf");
    let count = cpsf.requirement_count();
    let merged = import_csv(
        template.as_bytes(),
        "cpsf-import-template.csv",
        &ImportOptions::into_base(cpsf),
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    // Both template rows replace existing verified requirements.
    assert_eq!(merged.requirement_count(), count);
    let am1 = merged.find_requirement("CPS.AM-1").expect("AM-1");
    assert_eq!(am1.layers, [Layer::L1]);
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let table =
        "CPSF 対策要件一覧,,\n(2019-04-18),,\nrequirement_id,group_path,title_en\nX-1,G,first\n";
    let catalog = import_csv(
        table.as_bytes(),
        "titled.csv",
        &ImportOptions::new_catalog("t", "1"),
    )
    .expect("imports");
    assert_eq!(catalog.requirement_count(), 1);
    let bad = "Title row,,\nrequirement_id,group_path,title_en\n,G,no id\n";
    let found = errors(import_csv(
        bad.as_bytes(),
        "titled.csv",
        &ImportOptions::new_catalog("t", "1"),
    ));
    assert_eq!(
        found,
        ["titled.csv: row 3, column A (requirement_id): requirement_id is empty"]
    );
}

#[test]
fn language_neutral_columns_go_by_content() {
    let table = "requirement_id,group_path,title,text,title_en\n\
J-1,G,資産を管理する,Keep assets listed,Asset management\n\
E-1,G,Plain English title,本文は日本語,\n";
    let catalog = import_csv(
        table.as_bytes(),
        "neutral.csv",
        &ImportOptions::new_catalog("n", "1"),
    )
    .expect("imports");
    let j1 = catalog.find_requirement("J-1").expect("J-1");
    assert_eq!(
        (j1.title.ja.as_str(), j1.title.en.as_str()),
        ("資産を管理する", "Asset management")
    );
    assert_eq!(
        (j1.text.ja.as_str(), j1.text.en.as_str()),
        ("", "Keep assets listed")
    );
    let e1 = catalog.find_requirement("E-1").expect("E-1");
    assert_eq!(
        (e1.title.ja.as_str(), e1.title.en.as_str()),
        ("", "Plain English title")
    );
    assert_eq!(e1.text.ja, "本文は日本語");
}
