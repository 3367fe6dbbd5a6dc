//! Rendering parameter insertions in prose for people: `{{ insert: param, ac-1_prm_1 }}` becomes
//! the parameter's value, or the bracketed placeholder NIST's publications print when no value
//! is set:
//!
//! * values set → the values joined with `, `;
//! * a selection → `[Selection (one or more): a; b]` (`(one or more)` only for `one-or-more`),
//!   choices themselves rendered recursively (choices may insert parameters);
//! * otherwise → `[Assignment: label]`;
//! * an unknown parameter id is left as the original `{{ … }}` text, so nothing silently vanishes.

use std::collections::HashMap;

use crate::model::{Catalog, Control, Group, Parameter};

/// All parameters of a catalog by id (catalog-level, group-level and in every control).
pub fn parameter_index(catalog: &Catalog) -> HashMap<&str, &Parameter> {
    let mut index = HashMap::new();
    fn controls<'a>(list: &'a [Control], index: &mut HashMap<&'a str, &'a Parameter>) {
        for c in list {
            for p in &c.params {
                index.insert(p.id.as_str(), p);
            }
            controls(&c.controls, index);
        }
    }
    fn groups<'a>(list: &'a [Group], index: &mut HashMap<&'a str, &'a Parameter>) {
        for g in list {
            for p in &g.params {
                index.insert(p.id.as_str(), p);
            }
            controls(&g.controls, index);
            groups(&g.groups, index);
        }
    }
    for p in &catalog.params {
        index.insert(p.id.as_str(), p);
    }
    controls(&catalog.controls, &mut index);
    groups(&catalog.groups, &mut index);
    index
}

/// `prose` with every `{{ insert: param, id }}` replaced as described in the module docs.
pub fn render_prose(prose: &str, params: &HashMap<&str, &Parameter>) -> String {
    render_depth(prose, params, 0)
}

// Choices may insert parameters whose choices insert parameters …; a bound stops cycles.
const MAX_DEPTH: usize = 8;

fn render_depth(prose: &str, params: &HashMap<&str, &Parameter>, depth: usize) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let original = &rest[start..start + 2 + end + 2];
        let inner = after[..end].trim();
        let replacement = inner
            .strip_prefix("insert:")
            .and_then(|args| {
                let mut parts = args.split(',').map(str::trim);
                match (parts.next(), parts.next()) {
                    (Some("param"), Some(id)) => params.get(id).copied(),
                    _ => None,
                }
            })
            .filter(|_| depth < MAX_DEPTH)
            .map(|param| render_parameter(param, params, depth));
        out.push_str(replacement.as_deref().unwrap_or(original));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn render_parameter(param: &Parameter, params: &HashMap<&str, &Parameter>, depth: usize) -> String {
    if !param.values.is_empty() {
        return param.values.join(", ");
    }
    if let Some(select) = &param.select {
        let how = if select.how_many.as_deref() == Some("one-or-more") {
            " (one or more)"
        } else {
            ""
        };
        let choices: Vec<String> = select
            .choice
            .iter()
            .map(|c| render_depth(c, params, depth + 1))
            .collect();
        return format!("[Selection{how}: {}]", choices.join("; "));
    }
    match &param.label {
        Some(label) => format!("[Assignment: {label}]"),
        None => format!("[Assignment: {}]", param.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Selection;

    #[test]
    fn assignments_selections_and_values() {
        let label = Parameter {
            id: "p1".into(),
            label: Some("organization-defined frequency".into()),
            ..Parameter::default()
        };
        let select = Parameter {
            id: "p2".into(),
            select: Some(Selection {
                how_many: Some("one-or-more".into()),
                choice: vec!["yearly".into(), "when {{ insert: param, p1 }}".into()],
            }),
            ..Parameter::default()
        };
        let valued = Parameter {
            id: "p3".into(),
            values: vec!["monthly".into()],
            ..Parameter::default()
        };
        let index: HashMap<&str, &Parameter> = [("p1", &label), ("p2", &select), ("p3", &valued)]
            .into_iter()
            .collect();
        assert_eq!(
            render_prose("Review {{ insert: param, p1 }}.", &index),
            "Review [Assignment: organization-defined frequency]."
        );
        assert_eq!(
            render_prose("{{ insert: param, p2 }}", &index),
            "[Selection (one or more): yearly; when [Assignment: organization-defined frequency]]"
        );
        assert_eq!(
            render_prose("every {{insert: param, p3}}", &index),
            "every monthly"
        );
        assert_eq!(
            render_prose("{{ insert: param, nope }} and {{ unclosed", &index),
            "{{ insert: param, nope }} and {{ unclosed"
        );
    }
}
