//! OSCAL XML → the OSCAL JSON shape (a `serde_json::Value`), which the typed models then read.
//!
//! OSCAL defines one information model with two concrete syntaxes; NIST's converters map them
//! with these rules, which this module follows:
//!
//! * **Flags are attributes** (`<control id="ac-1" class="SP800-53">`) and become string fields.
//! * **Repeated elements become arrays under a plural key**: `<control>` → `controls`, `<prop>` →
//!   `props`, `<party-uuid>` → `party-uuids`, `<with-id>` → `with-ids`, `<choice>` → `choice` …
//!   (see `array_key`). Elements with only text become strings (`<version>1.0</version>`).
//!   An element with attributes *and* text puts the text in `value` (`<hash algorithm="…">`).
//! * **markup-line** fields (`title`, `label`, `choice`, link/citation `text`) become one line of
//!   Markdown; **markup-multiline** fields (`remarks`, `description`, `usage`, `statement`, and
//!   the block content of `part` and `guideline`, which XML writes unwrapped while JSON calls it
//!   `prose`) become Markdown paragraphs separated by a blank line.
//! * Markup → Markdown: `<em>`/`<i>` → `*x*`, `<strong>`/`<b>` → `**x**`, `<code>` → `` `x` ``,
//!   `<q>` → `"x"`, `<sub>` → `~x~`, `<sup>` → `^x^`, `<a href="u">t</a>` → `[t](u)`,
//!   `<insert type="param" id-ref="p"/>` → `{{ insert: param, p }}`, `<h2>` → `## `, list items
//!   → `- ` / `1. ` lines (nested lists indented two spaces), `<pre>` → fenced block, tables →
//!   pipe tables. Runs of whitespace in inline text collapse to one space, as in HTML rendering.
//! * `<as-is>true</as-is>` becomes a boolean; empty marker elements (`<include-all/>`, `<flat/>`)
//!   become empty objects.
//!
//! Unknown elements are mapped by the same generic rules (so they reach the typed model, which
//! ignores what it does not know) — never a panic.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use crate::error::OscalError;

/// A parsed XML element (only what the mapping needs).
#[derive(Debug)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    fn has_child_elements(&self) -> bool {
        self.children.iter().any(|n| matches!(n, Node::Element(_)))
    }

    fn text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
        }
    }
}

/// Converts an OSCAL XML document to the JSON shape: `{"catalog": {...}}`.
pub fn xml_to_json_value(text: &str, file: &Path) -> Result<Value, OscalError> {
    let root = parse_tree(text, file)?;
    let value = element_value(&root, "");
    let mut envelope = Map::new();
    envelope.insert(root.name.clone(), value);
    Ok(Value::Object(envelope))
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - line_start + 1)
}

/// XPath-like location of the element being built: `/catalog/group[2]/control[5]`.
fn xpath_of(stack: &[Element]) -> String {
    let mut path = String::new();
    for (depth, element) in stack.iter().enumerate() {
        path.push('/');
        path.push_str(&element.name);
        // Position among same-named siblings, counted in the parent built so far.
        if depth > 0 {
            let parent = &stack[depth - 1];
            let same = parent
                .children
                .iter()
                .filter(|n| matches!(n, Node::Element(e) if e.name == element.name))
                .count();
            path.push_str(&format!("[{}]", same + 1));
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    path
}

/// Deeper nesting than any OSCAL document needs; the mapping recurses, so hostile input is cut
/// off here instead of overflowing the stack.
const MAX_NESTING: usize = 256;

fn parse_tree(text: &str, file: &Path) -> Result<Element, OscalError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;

    let error = |stack: &[Element], offset: u64, message: String| {
        let (line, column) = line_column(text, offset as usize);
        OscalError::Xml {
            file: file.to_path_buf(),
            xpath: xpath_of(stack),
            line,
            column,
            message,
        }
    };

    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(error(&stack, reader.error_position(), e.to_string())),
        };
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                let name = start.local_name().into_inner().to_string();
                let mut attributes = Vec::new();
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| {
                        error(&stack, reader.buffer_position(), format!("attribute: {e}"))
                    })?;
                    let key = attribute.key;
                    // Namespace declarations and xsi:schemaLocation are syntax, not content.
                    if key.into_inner() == "xmlns" || key.prefix().is_some() {
                        continue;
                    }
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| {
                            error(
                                &stack,
                                reader.buffer_position(),
                                format!("attribute `{}`: {e}", key.into_inner()),
                            )
                        })?;
                    attributes.push((
                        key.local_name().into_inner().to_string(),
                        value.into_owned(),
                    ));
                }
                let element = Element {
                    name,
                    attributes,
                    children: Vec::new(),
                };
                if is_empty {
                    attach(&mut stack, &mut root, element);
                } else {
                    if stack.len() >= MAX_NESTING {
                        return Err(error(
                            &stack,
                            reader.buffer_position(),
                            format!("elements nested deeper than {MAX_NESTING}"),
                        ));
                    }
                    stack.push(element);
                }
            }
            Event::End(_) => {
                // check_end_names guarantees the stack top is the element being closed.
                if let Some(element) = stack.pop() {
                    attach(&mut stack, &mut root, element);
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) | Err(_) => {
                            return Err(error(
                                &stack,
                                reader.buffer_position(),
                                format!("invalid character reference `&{};`", r.xml10_content()),
                            ))
                        }
                    }
                } else {
                    let name = r.xml10_content();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(error(
                                &stack,
                                reader.buffer_position(),
                                format!("undefined entity `&{name};`"),
                            ))
                        }
                    }
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions and doctypes carry no content.
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(error(
            &stack,
            text.len() as u64,
            "document ends inside an open element".to_string(),
        ));
    }
    root.ok_or_else(|| error(&[], 0, "no root element".to_string()))
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(element)),
        None => {
            if root.is_none() {
                *root = Some(element);
            }
        }
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if let Some(parent) = stack.last_mut() {
        // Merge adjacent text (split by entity references) into one node.
        if let Some(Node::Text(previous)) = parent.children.last_mut() {
            previous.push_str(text);
        } else {
            parent.children.push(Node::Text(text.to_string()));
        }
    }
}

/// The JSON key under which repeated `child` elements of `parent` are collected, if any.
fn array_key(parent: &str, child: &str) -> Option<&'static str> {
    Some(match child {
        "control" => "controls",
        "group" => "groups",
        "part" => "parts",
        "prop" => "props",
        "link" => "links",
        "param" => "params",
        "role" => "roles",
        "party" => "parties",
        "responsible-party" => "responsible-parties",
        "responsible-role" => "responsible-roles",
        "party-uuid" => "party-uuids",
        "addr-line" => "addr-lines",
        // A location has exactly one address; a party lists several.
        "address" if parent != "location" => "addresses",
        "email-address" => "email-addresses",
        "telephone-number" => "telephone-numbers",
        "location-uuid" => "location-uuids",
        "member-of-org" => "member-of-organizations",
        "external-id" => "external-ids",
        "location" => "locations",
        "revision" => "revisions",
        "document-id" => "document-ids",
        "action" => "actions",
        "resource" => "resources",
        "rlink" => "rlinks",
        "hash" => "hashes",
        "choice" => "choice",
        "guideline" => "guidelines",
        "constraint" => "constraints",
        "test" => "tests",
        "value" => "values",
        "import" => "imports",
        "include-controls" => "include-controls",
        "exclude-controls" => "exclude-controls",
        "with-id" => "with-ids",
        "matching" => "matching",
        "set-parameter" => "set-parameters",
        "alter" => "alters",
        "add" => "adds",
        "remove" => "removes",
        "insert-controls" => "insert-controls",
        "statement-id" => "statement-ids",
        _ => return None,
    })
}

/// The element name whose repetitions JSON collects under `key` (inverse of [`array_key`]).
fn element_for_array_key(key: &str) -> Option<&'static str> {
    const KEYS: &[&str] = &[
        "control",
        "group",
        "part",
        "prop",
        "link",
        "param",
        "role",
        "party",
        "responsible-party",
        "responsible-role",
        "party-uuid",
        "addr-line",
        "address",
        "email-address",
        "telephone-number",
        "location-uuid",
        "member-of-org",
        "external-id",
        "location",
        "revision",
        "document-id",
        "action",
        "resource",
        "rlink",
        "hash",
        "choice",
        "guideline",
        "constraint",
        "test",
        "value",
        "import",
        "include-controls",
        "exclude-controls",
        "with-id",
        "matching",
        "set-parameter",
        "alter",
        "add",
        "remove",
        "insert-controls",
        "statement-id",
    ];
    KEYS.iter()
        .copied()
        .find(|element| array_key("", element) == Some(key))
}

/// An XPath-like rendering of a JSON path into the mapped document, for error messages:
/// `catalog.groups[0].controls[1].title` → `/catalog/group[1]/control[2]/title`.
pub fn json_path_to_xpath(json_path: &str) -> String {
    let mut xpath = String::new();
    for segment in json_path.split('.') {
        if segment.is_empty() || segment == "?" {
            continue;
        }
        let (key, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        let index: Option<usize> = indexes
            .trim_start_matches('[')
            .split(']')
            .next()
            .and_then(|i| i.parse().ok());
        match (index, element_for_array_key(key)) {
            (Some(i), Some(element)) => xpath.push_str(&format!("/{element}[{}]", i + 1)),
            (Some(i), None) => xpath.push_str(&format!("/{key}[{}]", i + 1)),
            (None, _) => {
                xpath.push('/');
                xpath.push_str(key);
            }
        }
    }
    if xpath.is_empty() {
        xpath.push('/');
    }
    xpath
}

/// Fields typed markup-multiline (Markdown paragraphs in JSON).
fn is_markup_multiline(name: &str) -> bool {
    matches!(
        name,
        "remarks" | "description" | "usage" | "statement" | "prose"
    )
}

/// Fields typed markup-line (one line of Markdown in JSON).
fn is_markup_line(name: &str) -> bool {
    matches!(name, "title" | "label" | "choice" | "text")
}

/// Elements whose block content is JSON `prose`.
fn holds_prose(name: &str) -> bool {
    matches!(name, "part" | "guideline")
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "ul"
            | "ol"
            | "table"
            | "pre"
            | "blockquote"
            | "hr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

fn element_value(element: &Element, parent: &str) -> Value {
    if element.name == "as-is" {
        return Value::Bool(element.text().trim() == "true");
    }
    if element.attributes.is_empty() && !element.has_child_elements() {
        let text = element.text();
        let text = text.trim();
        if text.is_empty() && matches!(element.name.as_str(), "include-all" | "flat") {
            return Value::Object(Map::new());
        }
        return Value::String(text.to_string());
    }
    let _ = parent;
    let mut object = Map::new();
    for (key, value) in &element.attributes {
        object.insert(key.clone(), Value::String(value.clone()));
    }
    let mut prose_blocks: Vec<String> = Vec::new();
    let mut own_text = String::new();
    for child in &element.children {
        let child = match child {
            Node::Text(t) => {
                own_text.push_str(t);
                continue;
            }
            Node::Element(child) => child,
        };
        if holds_prose(&element.name) && is_block(&child.name) {
            prose_blocks.push(block_markdown(child));
            continue;
        }
        let value = if is_markup_multiline(&child.name) {
            Value::String(blocks_markdown(&child.children))
        } else if is_markup_line(&child.name) {
            Value::String(inline_markdown(&child.children).trim().to_string())
        } else {
            element_value(child, &element.name)
        };
        match array_key(&element.name, &child.name) {
            Some(key) => {
                let slot = object
                    .entry(key.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = slot {
                    items.push(value);
                }
            }
            None => {
                object.insert(child.name.clone(), value);
            }
        }
    }
    if !prose_blocks.is_empty() {
        object.insert(
            "prose".to_string(),
            Value::String(prose_blocks.join("\n\n")),
        );
    }
    let own_text = own_text.trim();
    if !own_text.is_empty() && !object.contains_key("value") {
        object.insert("value".to_string(), Value::String(own_text.to_string()));
    }
    Value::Object(object)
}

/// Appends `text` with runs of XML whitespace collapsed into one space, also across the
/// boundary with what `out` already ends with ("a " + " <em>b</em>").
fn collapse_whitespace(text: &str, out: &mut String) {
    let mut in_space = out.ends_with(' ');
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
}

fn inline_markdown(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(t) => collapse_whitespace(t, &mut out),
            Node::Element(e) => inline_element(e, &mut out),
        }
    }
    out
}

fn inline_element(e: &Element, out: &mut String) {
    let inner = || inline_markdown(&e.children);
    match e.name.as_str() {
        "em" | "i" => out.push_str(&format!("*{}*", inner())),
        "strong" | "b" => out.push_str(&format!("**{}**", inner())),
        "code" => out.push_str(&format!("`{}`", e.text())),
        "q" => out.push_str(&format!("\"{}\"", inner())),
        "sub" => out.push_str(&format!("~{}~", inner())),
        "sup" => out.push_str(&format!("^{}^", inner())),
        "a" => {
            let href = e.attribute("href").unwrap_or_default();
            out.push_str(&format!("[{}]({href})", inner()));
        }
        "insert" => {
            let kind = e.attribute("type").unwrap_or("param");
            let id = e.attribute("id-ref").unwrap_or_default();
            out.push_str(&format!("{{{{ insert: {kind}, {id} }}}}"));
        }
        "img" => {
            let alt = e.attribute("alt").unwrap_or_default();
            let src = e.attribute("src").unwrap_or_default();
            out.push_str(&format!("![{alt}]({src})"));
        }
        "br" => out.push('\n'),
        _ => out.push_str(&inner()),
    }
}

/// Markdown of mixed content: block elements become blocks, loose inline content a paragraph.
fn blocks_markdown(nodes: &[Node]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    let mut loose: Vec<&Node> = Vec::new();
    let flush = |loose: &mut Vec<&Node>, blocks: &mut Vec<String>| {
        if loose.is_empty() {
            return;
        }
        let mut out = String::new();
        for node in loose.drain(..) {
            match node {
                Node::Text(t) => collapse_whitespace(t, &mut out),
                Node::Element(e) => inline_element(e, &mut out),
            }
        }
        let out = out.trim();
        if !out.is_empty() {
            blocks.push(out.to_string());
        }
    };
    for node in nodes {
        match node {
            Node::Element(e) if is_block(&e.name) => {
                flush(&mut loose, &mut blocks);
                blocks.push(block_markdown(e));
            }
            other => loose.push(other),
        }
    }
    flush(&mut loose, &mut blocks);
    blocks.join("\n\n")
}

fn block_markdown(e: &Element) -> String {
    match e.name.as_str() {
        "p" => inline_markdown(&e.children).trim().to_string(),
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let level: usize = e.name[1..].parse().unwrap_or(1);
            format!(
                "{} {}",
                "#".repeat(level),
                inline_markdown(&e.children).trim()
            )
        }
        "ul" | "ol" => {
            let mut lines = Vec::new();
            list_markdown(e, 0, &mut lines);
            lines.join("\n")
        }
        "pre" => format!("```\n{}\n```", e.text().trim_matches('\n')),
        "blockquote" => blocks_markdown(&e.children)
            .lines()
            .map(|l| format!("> {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        "hr" => "---".to_string(),
        "table" => table_markdown(e),
        _ => inline_markdown(&e.children).trim().to_string(),
    }
}

fn list_markdown(list: &Element, depth: usize, lines: &mut Vec<String>) {
    let ordered = list.name == "ol";
    let indent = "  ".repeat(depth);
    let mut number = 0;
    for node in &list.children {
        let Node::Element(item) = node else { continue };
        if item.name != "li" {
            continue;
        }
        number += 1;
        let marker = if ordered {
            format!("{number}.")
        } else {
            "-".to_string()
        };
        let mut text = String::new();
        let mut nested = Vec::new();
        for child in &item.children {
            match child {
                Node::Element(sub) if sub.name == "ul" || sub.name == "ol" => nested.push(sub),
                Node::Element(sub) if sub.name == "p" => {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(inline_markdown(&sub.children).trim());
                }
                Node::Element(sub) => inline_element(sub, &mut text),
                Node::Text(t) => collapse_whitespace(t, &mut text),
            }
        }
        lines.push(format!("{indent}{marker} {}", text.trim()));
        for sub in nested {
            list_markdown(sub, depth + 1, lines);
        }
    }
}

fn table_markdown(table: &Element) -> String {
    let mut rows: Vec<(bool, Vec<String>)> = Vec::new();
    fn collect_rows(e: &Element, rows: &mut Vec<(bool, Vec<String>)>) {
        for node in &e.children {
            let Node::Element(child) = node else { continue };
            if child.name == "tr" {
                let mut header = false;
                let mut cells = Vec::new();
                for cell in &child.children {
                    let Node::Element(cell) = cell else { continue };
                    header |= cell.name == "th";
                    cells.push(inline_markdown(&cell.children).trim().replace('|', "\\|"));
                }
                rows.push((header, cells));
            } else {
                // thead / tbody wrappers
                collect_rows(child, rows);
            }
        }
    }
    collect_rows(table, &mut rows);
    let mut lines = Vec::new();
    for (index, (_, cells)) in rows.iter().enumerate() {
        lines.push(format!("| {} |", cells.join(" | ")));
        if index == 0 {
            lines.push(format!("|{}", " --- |".repeat(cells.len().max(1))));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(xml: &str) -> Value {
        match xml_to_json_value(xml, Path::new("test.xml")) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn part_prose_and_inserts_become_markdown() {
        let v = convert(
            r#"<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u">
              <control id="c-1"><title>T <em>x</em></title>
                <part id="c-1_smt" name="statement">
                  <p>Do <insert type="param" id-ref="c-1_prm_1"/> &amp; more.</p>
                  <ul><li>one</li><li>two<ol><li>a</li></ol></li></ul>
                </part>
              </control></catalog>"#,
        );
        let part = &v["catalog"]["controls"][0]["parts"][0];
        assert_eq!(v["catalog"]["controls"][0]["title"], "T *x*");
        assert_eq!(
            part["prose"],
            "Do {{ insert: param, c-1_prm_1 }} & more.\n\n- one\n- two\n  1. a"
        );
    }

    #[test]
    fn arrays_flags_and_markers() {
        let v = convert(
            r#"<profile uuid="p"><import href="cat.xml"><include-all/></import>
               <import href="b.xml"><include-controls with-child-controls="yes"><with-id>a</with-id><with-id>b</with-id></include-controls></import>
               <merge><as-is>true</as-is></merge></profile>"#,
        );
        let p = &v["profile"];
        assert_eq!(p["imports"][0]["include-all"], serde_json::json!({}));
        assert_eq!(
            p["imports"][1]["include-controls"][0]["with-ids"],
            serde_json::json!(["a", "b"])
        );
        assert_eq!(p["merge"]["as-is"], Value::Bool(true));
    }

    #[test]
    fn hostile_nesting_is_an_error_not_a_stack_overflow() {
        let xml = format!("<catalog>{}", "<part>".repeat(100_000));
        assert!(matches!(
            xml_to_json_value(&xml, Path::new("deep.xml")),
            Err(OscalError::Xml { .. })
        ));
    }

    #[test]
    fn json_paths_render_as_xpaths() {
        assert_eq!(
            json_path_to_xpath("catalog.groups[0].controls[1].title"),
            "/catalog/group[1]/control[2]/title"
        );
        assert_eq!(
            json_path_to_xpath("profile.imports[0].include-controls[0].with-ids[3]"),
            "/profile/import[1]/include-controls[1]/with-id[4]"
        );
    }

    #[test]
    fn malformed_xml_names_line_and_path() {
        let err = xml_to_json_value("<catalog>\n<group>\n<control></group>", Path::new("x.xml"));
        match err {
            Err(OscalError::Xml { line, xpath, .. }) => {
                assert_eq!(line, 3);
                assert!(xpath.starts_with("/catalog/group"), "{xpath}");
            }
            other => panic!("expected XML error, got {other:?}"),
        }
    }
}
