//! Conversion of native (ecosystem-specific) range notations to `vers`.
//!
//! The result is the flat, version-sorted constraint list of the vers
//! specification: the vers containment rules re-create the intervals, so an
//! OR of AND-sets (`>=1.0 <1.2 || >=2.0`) becomes `>=1.0|<1.2|>=2.0`.
//!
//! * npm (node-semver): `||` alternatives, hyphen ranges `A - B`, x-ranges
//!   (`1.2.x`, `1.x`, `*`), tilde (`~1.2.3` = `>=1.2.3 <1.3.0`), caret
//!   (`^0.2.3` = `>=0.2.3 <0.3.0`), partial versions zero-filled (`2.1` =
//!   `2.1.0`, `<=1.0` = `<=1.0.0`); an operator applied to an x-range
//!   expands the x-range (`>= 2.2.x` = `>=2.2.0 <2.3.0`), as the vers-spec
//!   reference conversion does.
//! * pypi (PEP 440 specifiers): `,`-separated `==`, `!=`, `<`, `<=`, `>`,
//!   `>=`, `===`, `~=X.Y[.Z]` (= `>=X.Y[.Z]` and `<` the bumped prefix) and
//!   `==X.Y.*` (= `>=X.Y` and `<X.(Y+1)`).
//! * gem: `,`-separated `=`, `!=`, `<`, `<=`, `>`, `>=`, `~>` (pessimistic:
//!   `~>2.0.8` = `>=2.0.8 <2.1`).
//! * nuget: interval notation `[1.0,2.0)`, `(,1.0]`, `[1.0]`, and a bare
//!   version meaning "at least".
//! * nginx (security advisories): `,`-separated `A-B` ranges, single
//!   versions and `X.Y.Z+`: on a stable branch (even minor) this means
//!   `>=X.Y.Z <X.(Y+1).0`, on the mainline (odd minor) simply `>=X.Y.Z`.
//! * openssl: `,`-separated affected versions.
//! * conan: `||` alternatives of space-separated conditions; options after a
//!   `,` (`include_prerelease=True`) are dropped; `*` = `>=0.0.0`; a trailing
//!   `-` (prerelease opt-in) is removed from bounds; `~1.2.3` = `>=1.2.3
//!   <1.3-` and `^0.1.2` = `>=0.1.2 <0.2-`, where `X-` is the lowest
//!   pre-release of X.

use super::{Comparator, VersError, VersRange};

/// Converts `native` written in `scheme`'s own range syntax into a range.
pub fn from_native(scheme: &str, native: &str) -> Result<VersRange, VersError> {
    let scheme = scheme.to_ascii_lowercase();
    let pairs = match scheme.as_str() {
        "npm" => match npm(native)? {
            Some(p) => p,
            None => return Ok(VersRange::any("npm")),
        },
        "pypi" => pypi(native)?,
        "gem" => gem(native)?,
        "nuget" => nuget(native)?,
        "nginx" => nginx(native)?,
        // Conan writes "no constraint" as an empty range.
        "conan" if native.trim().is_empty() => {
            return VersRange::from_constraints("conan", Vec::new())
        }
        "conan" => conan(native)?,
        "openssl" => split_list(native)
            .map(|v| (Comparator::Eq, v.to_string()))
            .collect(),
        _ => {
            return Err(VersError::UnsupportedScheme { scheme });
        }
    };
    if pairs.is_empty() {
        return Err(native_error(native, "no constraints"));
    }
    VersRange::from_constraints(&scheme, pairs)
}

fn native_error(native: &str, why: &'static str) -> VersError {
    VersError::Native {
        native: native.to_string(),
        reason: why,
    }
}

fn split_list(native: &str) -> impl Iterator<Item = &str> {
    native.split(',').map(str::trim).filter(|s| !s.is_empty())
}

type Pairs = Vec<(Comparator, String)>;

/// A node-semver partial version: `None` components are wildcards/absent.
struct Partial {
    parts: [Option<u64>; 3],
    wildcard: bool,
    pre: String,
}

impl Partial {
    fn parse(native: &str, text: &str) -> Result<Partial, VersError> {
        let text = text.trim_start_matches(['v', '=']);
        let (core, pre) = match text
            .split_once('+')
            .map_or(text, |(c, _)| c)
            .split_once('-')
        {
            Some((c, p)) => (c.to_string(), p.to_string()),
            None => (
                text.split('+').next().unwrap_or("").to_string(),
                String::new(),
            ),
        };
        let mut parts = [None; 3];
        let mut wildcard = false;
        for (i, piece) in core.split('.').enumerate() {
            if i >= 3 {
                return Err(native_error(native, "more than three version components"));
            }
            match piece {
                "x" | "X" | "*" => wildcard = true,
                p => {
                    if wildcard {
                        return Err(native_error(native, "number after a wildcard"));
                    }
                    parts[i] =
                        Some(p.parse().map_err(|_| {
                            native_error(native, "version component is not a number")
                        })?);
                }
            }
        }
        Ok(Partial {
            parts,
            wildcard,
            pre,
        })
    }

    /// Number of leading concrete components.
    fn concrete(&self) -> usize {
        self.parts.iter().take_while(|p| p.is_some()).count()
    }

    fn filled(&self) -> String {
        let [a, b, c] = self.parts.map(|p| p.unwrap_or(0));
        if self.pre.is_empty() {
            format!("{a}.{b}.{c}")
        } else {
            format!("{a}.{b}.{c}-{}", self.pre)
        }
    }

    /// `>=low <high` for an x-range / partial; `None` = everything.
    fn x_range(&self) -> Option<(String, String)> {
        let [a, b, _] = self.parts;
        match self.concrete() {
            0 => None,
            1 => Some((self.filled(), format!("{}.0.0", a.unwrap_or(0) + 1))),
            2 => Some((
                self.filled(),
                format!("{}.{}.0", a.unwrap_or(0), b.unwrap_or(0) + 1),
            )),
            _ => Some((self.filled(), String::new())),
        }
    }
}

/// npm ranges; `Ok(None)` means "all versions".
fn npm(native: &str) -> Result<Option<Pairs>, VersError> {
    let mut out = Pairs::new();
    for set in native.split("||") {
        let set = set.trim();
        if set.is_empty() || set == "*" || set == "x" || set == "X" {
            return Ok(None);
        }
        // Hyphen range `A - B`.
        if let Some((lo, hi)) = set.split_once(" - ") {
            let lo = Partial::parse(native, lo.trim())?;
            let hi = Partial::parse(native, hi.trim())?;
            out.push((Comparator::Ge, lo.filled()));
            out.push((Comparator::Le, hi.filled()));
            continue;
        }
        // Glue operators to their versions: `>= 1.2` -> `>=1.2`.
        let mut tokens: Vec<String> = Vec::new();
        let mut pending_op = String::new();
        for tok in set.split_whitespace() {
            if tok
                .chars()
                .all(|c| matches!(c, '<' | '>' | '=' | '~' | '^'))
            {
                pending_op.push_str(tok);
            } else {
                tokens.push(format!("{pending_op}{tok}"));
                pending_op.clear();
            }
        }
        if !pending_op.is_empty() {
            return Err(native_error(native, "operator without a version"));
        }
        for tok in tokens {
            let (op, ver) = split_npm_op(&tok);
            let p = Partial::parse(native, ver)?;
            match op {
                "~" | "~>" => match p.concrete() {
                    0 => return Ok(None),
                    1 => {
                        out.push((Comparator::Ge, p.filled()));
                        out.push((
                            Comparator::Lt,
                            format!("{}.0.0", p.parts[0].unwrap_or(0) + 1),
                        ));
                    }
                    _ => {
                        let [a, b, _] = p.parts.map(|x| x.unwrap_or(0));
                        out.push((Comparator::Ge, p.filled()));
                        out.push((Comparator::Lt, format!("{a}.{}.0", b + 1)));
                    }
                },
                "^" => {
                    let [a, b, c] = p.parts.map(|x| x.unwrap_or(0));
                    let upper = if a > 0 || p.concrete() == 1 {
                        format!("{}.0.0", a + 1)
                    } else if b > 0 || p.concrete() == 2 {
                        format!("0.{}.0", b + 1)
                    } else {
                        format!("0.0.{}", c + 1)
                    };
                    if p.concrete() == 0 {
                        return Ok(None);
                    }
                    out.push((Comparator::Ge, p.filled()));
                    out.push((Comparator::Lt, upper));
                }
                "" | "=" | ">=" | "<=" | ">" | "<" => {
                    // Partial versions without a wildcard are zero-filled
                    // (`2.1` = `2.1.0`), as in the vers-spec reference data.
                    if p.wildcard {
                        match p.x_range() {
                            None => return Ok(None),
                            Some((lo, hi)) if hi.is_empty() => out.push((Comparator::Eq, lo)),
                            Some((lo, hi)) => {
                                out.push((Comparator::Ge, lo));
                                out.push((Comparator::Lt, hi));
                            }
                        }
                    } else {
                        let cmp = match op {
                            ">=" => Comparator::Ge,
                            "<=" => Comparator::Le,
                            ">" => Comparator::Gt,
                            "<" => Comparator::Lt,
                            _ => Comparator::Eq,
                        };
                        out.push((cmp, p.filled()));
                    }
                }
                _ => return Err(native_error(native, "unknown npm range operator")),
            }
        }
    }
    Ok(Some(out))
}

fn split_npm_op(tok: &str) -> (&str, &str) {
    for op in [">=", "<=", "~>", ">", "<", "=", "~", "^"] {
        if let Some(rest) = tok.strip_prefix(op) {
            return (op, rest);
        }
    }
    ("", tok)
}

/// Drops the last component of `v` and increments the new last one
/// (`2.0.8` -> `2.1`, `1.4` -> `2`).
fn bump_prefix(native: &str, v: &str) -> Result<String, VersError> {
    let parts: Vec<&str> = v.split('.').collect();
    if parts.len() < 2 {
        return Err(native_error(
            native,
            "pessimistic operator needs at least two components",
        ));
    }
    let mut prefix: Vec<String> = parts[..parts.len() - 1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let last = prefix.len() - 1;
    let n: u64 = prefix[last]
        .parse()
        .map_err(|_| native_error(native, "version component is not a number"))?;
    prefix[last] = (n + 1).to_string();
    Ok(prefix.join("."))
}

fn pypi(native: &str) -> Result<Pairs, VersError> {
    let mut out = Pairs::new();
    for spec in split_list(native) {
        let spec: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
        let (op, v) = ["===", "==", "!=", "~=", "<=", ">=", "<", ">"]
            .iter()
            .find_map(|op| spec.strip_prefix(op).map(|rest| (*op, rest.to_string())))
            .ok_or_else(|| native_error(native, "specifier without operator"))?;
        match op {
            "~=" => {
                out.push((Comparator::Ge, v.clone()));
                out.push((Comparator::Lt, bump_prefix(native, &v)?));
            }
            "==" if v.ends_with(".*") => {
                let base = v.trim_end_matches(".*");
                let upper = bump_prefix(native, &format!("{base}.0"))?;
                out.push((Comparator::Ge, base.to_string()));
                out.push((Comparator::Lt, upper));
            }
            "==" | "===" => out.push((Comparator::Eq, v)),
            "!=" => out.push((Comparator::NotEq, v)),
            "<=" => out.push((Comparator::Le, v)),
            ">=" => out.push((Comparator::Ge, v)),
            "<" => out.push((Comparator::Lt, v)),
            _ => out.push((Comparator::Gt, v)),
        }
    }
    Ok(out)
}

fn gem(native: &str) -> Result<Pairs, VersError> {
    let mut out = Pairs::new();
    for spec in split_list(native) {
        let spec: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
        let (op, v) = ["~>", "!=", "<=", ">=", "<", ">", "="]
            .iter()
            .find_map(|op| spec.strip_prefix(op).map(|rest| (*op, rest.to_string())))
            .unwrap_or(("=", spec.clone()));
        match op {
            "~>" => {
                out.push((Comparator::Ge, v.clone()));
                out.push((Comparator::Lt, bump_prefix(native, &v)?));
            }
            "!=" => out.push((Comparator::NotEq, v)),
            "<=" => out.push((Comparator::Le, v)),
            ">=" => out.push((Comparator::Ge, v)),
            "<" => out.push((Comparator::Lt, v)),
            ">" => out.push((Comparator::Gt, v)),
            _ => out.push((Comparator::Eq, v)),
        }
    }
    Ok(out)
}

fn nuget(native: &str) -> Result<Pairs, VersError> {
    let s: String = native.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(first) = s.chars().next() else {
        return Err(native_error(native, "empty range"));
    };
    if first != '[' && first != '(' {
        return Ok(vec![(Comparator::Ge, s)]);
    }
    let last = s.chars().last().unwrap_or(' ');
    if !(last == ']' || last == ')') || s.len() < 2 {
        return Err(native_error(native, "interval must end with ']' or ')'"));
    }
    let inner = &s[1..s.len() - 1];
    let mut out = Pairs::new();
    match inner.split_once(',') {
        None => {
            if first != '[' || last != ']' {
                return Err(native_error(native, "an exact version must be written [x]"));
            }
            out.push((Comparator::Eq, inner.to_string()));
        }
        Some((lo, hi)) => {
            if !lo.is_empty() {
                out.push((
                    if first == '[' {
                        Comparator::Ge
                    } else {
                        Comparator::Gt
                    },
                    lo.to_string(),
                ));
            }
            if !hi.is_empty() {
                out.push((
                    if last == ']' {
                        Comparator::Le
                    } else {
                        Comparator::Lt
                    },
                    hi.to_string(),
                ));
            }
        }
    }
    Ok(out)
}

fn nginx(native: &str) -> Result<Pairs, VersError> {
    let mut out = Pairs::new();
    for item in split_list(native) {
        if let Some(base) = item.strip_suffix('+') {
            let parts: Vec<&str> = base.split('.').collect();
            if parts.len() < 2 {
                return Err(native_error(native, "X.Y.Z+ needs at least two components"));
            }
            let minor: u64 = parts[1]
                .parse()
                .map_err(|_| native_error(native, "version component is not a number"))?;
            out.push((Comparator::Ge, base.to_string()));
            if minor & 1 == 0 {
                out.push((Comparator::Lt, format!("{}.{}.0", parts[0], minor + 1)));
            }
        } else if let Some((lo, hi)) = item.split_once('-') {
            out.push((Comparator::Ge, lo.trim().to_string()));
            out.push((Comparator::Le, hi.trim().to_string()));
        } else {
            out.push((Comparator::Eq, item.to_string()));
        }
    }
    Ok(out)
}

fn conan(native: &str) -> Result<Pairs, VersError> {
    let expr = native.split(',').next().unwrap_or("");
    let mut out = Pairs::new();
    for alternative in expr.split("||") {
        for cond in alternative.split_whitespace() {
            let (op, v) = [">=", "<=", ">", "<", "=", "~", "^"]
                .iter()
                .find_map(|op| cond.strip_prefix(op).map(|rest| (*op, rest)))
                .unwrap_or(("", cond));
            let v = v.strip_suffix('-').unwrap_or(v);
            if v == "*" || v.is_empty() && op.is_empty() {
                out.push((Comparator::Ge, "0.0.0".to_string()));
                continue;
            }
            if v.is_empty() {
                return Err(native_error(native, "operator without a version"));
            }
            match op {
                "~" | "^" => {
                    let main = v.split(['-', '+']).next().unwrap_or(v);
                    let items: Vec<&str> = main.split('.').collect();
                    let index = if op == "~" {
                        usize::from(items.len() > 1)
                    } else {
                        items
                            .iter()
                            .position(|i| !i.trim_start_matches('0').is_empty())
                            .unwrap_or(items.len() - 1)
                    };
                    let mut bumped: Vec<String> =
                        items[..=index].iter().map(|s| s.to_string()).collect();
                    let n: u64 = bumped[index].parse().map_err(|_| {
                        native_error(native, "cannot bump a non-numeric version item")
                    })?;
                    bumped[index] = (n + 1).to_string();
                    out.push((Comparator::Ge, v.to_string()));
                    out.push((Comparator::Lt, format!("{}-", bumped.join("."))));
                }
                ">=" => out.push((Comparator::Ge, v.to_string())),
                "<=" => out.push((Comparator::Le, v.to_string())),
                ">" => out.push((Comparator::Gt, v.to_string())),
                "<" => out.push((Comparator::Lt, v.to_string())),
                _ => out.push((Comparator::Eq, v.to_string())),
            }
        }
    }
    Ok(out)
}
