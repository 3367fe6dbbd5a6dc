//! `sanso demo load dataflow` end to end, on the backend chosen by `SANSO_TEST_DATABASE_URL`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sanso_store::testing::TestInstallation;
use sanso_store::Store;

fn sanso(inst: &TestInstallation, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sanso"));
    cmd.arg("--data-dir").arg(&inst.config.data_dir);
    match &inst.config.database_url {
        Some(url) => cmd.env("SANSO_DATABASE_URL", url),
        None => cmd.env_remove("SANSO_DATABASE_URL"),
    };
    cmd.env_remove("SANSO_PUBLIC_URL")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run sanso");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn demo_load_dataflow_creates_a_workspace_and_refuses_a_second_copy() {
    let inst = TestInstallation::new().await;

    // No administrator yet: a clear error, nothing created.
    let out = sanso(&inst, &["demo", "load", "dataflow"], None);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("sanso admin create"), "{err}");

    let out = sanso(
        &inst,
        &[
            "admin",
            "create",
            "--email",
            "lead@example.com",
            "--name",
            "Lead",
        ],
        Some("a long password\n"),
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let out = sanso(&inst, &["demo", "load", "dataflow"], None);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("owned by lead@example.com"), "{stdout}");
    assert!(stdout.contains("5 devices"), "{stdout}");
    let ws = stdout
        .split(&['(', ')'][..])
        .nth(1)
        .expect("workspace id in parentheses")
        .to_string();
    assert!(
        stdout.contains(&format!("http://127.0.0.1:8080/w/{ws}/dataflows/")),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("/w/{ws}/devices")), "{stdout}");

    let store = Store::open(&inst.config).await.unwrap();
    assert_eq!(store.list_data_flows(&ws).await.unwrap().len(), 1);
    assert_eq!(store.list_iot_devices(&ws).await.unwrap().len(), 5);

    // Again into the same workspace: exit 1 with the reason, still one copy.
    let out = sanso(
        &inst,
        &["demo", "load", "dataflow", "--workspace", &ws],
        None,
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("already loaded"), "{err}");
    assert_eq!(store.list_data_flows(&ws).await.unwrap().len(), 1);

    // An unknown workspace is named.
    let out = sanso(
        &inst,
        &["demo", "load", "dataflow", "--workspace", "nope"],
        None,
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("workspace nope"), "{err}");
}
