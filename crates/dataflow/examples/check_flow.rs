//! Checks a flow YAML file against the shipped library and prints what the four steps give:
//! `cargo run -p sanso-dataflow --example check_flow -- flow.yaml [out-dir]`.
//! With an output directory it also writes `flow.svg`, `flow.json` and `flow.xlsx` there.
use sanso_dataflow::io::{flow_from_yaml, flow_to_xlsx, to_json};
use sanso_dataflow::svg::flow_svg;
use sanso_dataflow::validate::issues;
use sanso_dataflow::{flow_gaps, suggest_risks, workflow_state, Library};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: check_flow <flow.yaml> [out-dir]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path)?;
    let library = Library::builtin()?;
    let flow = flow_from_yaml(&text, &path)?;
    let found = issues(&flow, &library);
    for issue in &found {
        println!("error: {issue}");
    }
    let state = workflow_state(&flow, &library);
    for step in &state.steps {
        let mark = if step.complete { "done" } else { "open" };
        println!("step {} [{mark}] {}", step.step, step.name.en);
        for line in &step.missing {
            println!("    {line}");
        }
    }
    if !found.is_empty() {
        std::process::exit(1);
    }
    let risks = suggest_risks(&flow, &library)?;
    for r in &risks {
        println!("risk {:?} {}: {}", r.dimension, r.id, r.rationale.en);
    }
    let gaps = flow_gaps(&flow, &library)?;
    for e in &gaps {
        for g in &e.gaps {
            println!(
                "gap {} -> {} {} [{}]: {}",
                e.from_event,
                e.to_event,
                g.rule_id,
                g.severity.id(),
                g.explanation.en
            );
        }
    }
    if let Some(out) = args.next() {
        std::fs::create_dir_all(&out)?;
        std::fs::write(
            format!("{out}/flow.svg"),
            flow_svg(&flow, &library, &risks, "en")?,
        )?;
        std::fs::write(format!("{out}/flow.json"), to_json(&flow)?)?;
        let all: Vec<_> = gaps.iter().flat_map(|e| e.gaps.clone()).collect();
        std::fs::write(
            format!("{out}/flow.xlsx"),
            flow_to_xlsx(&flow, &library, &risks, &all, "en")?,
        )?;
    }
    Ok(())
}
