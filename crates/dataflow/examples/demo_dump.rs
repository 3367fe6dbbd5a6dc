//! Prints the demo's outputs (attributes, risks, gaps, categories) and writes its SVGs and
//! XLSX to a directory: `cargo run -p sanso-dataflow --example demo_dump -- /tmp/out`.
use sanso_dataflow::demo::try_demo;
use sanso_dataflow::io::flow_to_xlsx;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let ws = try_demo()?;
    for s in &ws.attributes {
        println!("{:<16} {:?}", s.event, s.after);
    }
    for r in &ws.risks {
        println!("{:?} {} | {}", r.dimension, r.id, r.rationale.en);
    }
    for e in &ws.gaps {
        for g in &e.gaps {
            println!(
                "gap {} -> {}: {} {} | {}",
                e.from_event,
                e.to_event,
                g.rule_id,
                g.severity.id(),
                g.explanation.en
            );
        }
    }
    for d in &ws.device_requirements {
        println!(
            "{} -> {} ({} viewpoints) | {}",
            d.device,
            d.categorisation.category,
            d.viewpoints.len(),
            d.categorisation.reason.en
        );
    }
    println!("workflow current step {}", ws.workflow.current_step);
    std::fs::create_dir_all(&out)?;
    std::fs::write(format!("{out}/flow-en.svg"), ws.flow_svg("en")?)?;
    std::fs::write(format!("{out}/flow-ja.svg"), ws.flow_svg("ja")?)?;
    std::fs::write(format!("{out}/chart-en.svg"), ws.severity_chart_svg("en")?)?;
    let all_gaps: Vec<_> = ws.gaps.iter().flat_map(|e| e.gaps.clone()).collect();
    std::fs::write(
        format!("{out}/flow.xlsx"),
        flow_to_xlsx(&ws.flow, &ws.library, &ws.risks, &all_gaps, "ja")?,
    )?;
    Ok(())
}
