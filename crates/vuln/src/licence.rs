//! Licence policy: SPDX licence expressions of components against allow / deny / review rules.
//!
//! Expressions are parsed with the `spdx` crate (SPDX licence list identifiers, `AND`, `OR`,
//! `WITH`, `+`, `LicenseRef-…`). Sloppy real-world strings (`Apache 2.0`, `GPLv2`, `MIT/X11`) are
//! retried in the crate's lax mode; the result then notes the interpretation.
//!
//! Each licence requirement (a leaf such as `GPL-2.0-only WITH Classpath-exception-2.0`) gets
//! one leaf outcome from the policy:
//! - rules are licence IDs (`MIT`, `GPL-2.0-or-later`), ID + exception
//!   (`GPL-2.0-only WITH Classpath-exception-2.0`), or categories ([`LicenceCategory`]);
//! - the most specific matching rule decides (ID + exception > ID > category), and among equally
//!   specific rules deny beats review beats allow, so a policy can deny "strong copyleft" yet allow
//!   one named exception;
//! - no matching rule gives the policy's `default` (review unless configured).
//!
//! Leaves combine as SPDX says: `OR` is satisfied when any branch is (best outcome wins), `AND`
//! needs all (worst outcome wins), with the order allowed > needs review > unknown > violation.
//! The verdict lists the licences and rules behind it: for an allowed `OR`, the branch chosen; for
//! a violation, every denied licence on the deciding side.
//!
//! Categories: a licence is classified by a table of SPDX ID families (see
//! [`categories_of`]): `permissive`, `public-domain` (also permissive), `weak-copyleft` (LGPL, MPL,
//! EPL, CDDL, …), `strong-copyleft` (GPL, AGPL, EUPL, OSL, …), `network-copyleft` (AGPL, SSPL,
//! OSL — copyleft triggered by network use, also strong), or `other`. A linking exception
//! (`Classpath-exception-2.0`, `LLVM-exception`, `GCC-exception-3.1`, …) on a strong copyleft licence
//! turns it into weak copyleft for policy purposes, which is what such exceptions are for.
//! Unlisted SPDX IDs fall back on the SPDX list's own flags: copyleft → weak copyleft (the
//! safe reading for an unknown copyleft is review, which policies usually give weak copyleft),
//! OSI-approved or FSF-libre → permissive, else other.

use std::fmt;

use serde::{Deserialize, Serialize};
use spdx::expression::{ExprNode, Operator};
use spdx::{Expression, LicenseItem, LicenseReq, ParseMode};

use crate::error::VulnError;

/// Licence categories used by policy rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LicenceCategory {
    /// MIT, BSD, Apache, ISC, …
    Permissive,
    /// CC0, Unlicense, 0BSD-like dedications (also permissive).
    PublicDomain,
    /// LGPL, MPL, EPL, CDDL, …: copyleft limited to the licensed files or library.
    WeakCopyleft,
    /// GPL, AGPL, EUPL, OSL, …: copyleft over the combined work.
    StrongCopyleft,
    /// AGPL, SSPL, OSL: copyleft also triggered by offering the software over a network.
    NetworkCopyleft,
    /// Anything else (non-free, custom `LicenseRef-…`).
    Other,
}

impl LicenceCategory {
    /// The kebab-case name used in policies.
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceCategory::Permissive => "permissive",
            LicenceCategory::PublicDomain => "public-domain",
            LicenceCategory::WeakCopyleft => "weak-copyleft",
            LicenceCategory::StrongCopyleft => "strong-copyleft",
            LicenceCategory::NetworkCopyleft => "network-copyleft",
            LicenceCategory::Other => "other",
        }
    }
}

const NETWORK_COPYLEFT: &[&str] = &["AGPL-", "SSPL-", "OSL-", "RPL-", "CPAL-"];
const STRONG_COPYLEFT: &[&str] = &[
    "GPL-",
    "AGPL-",
    "EUPL-",
    "OSL-",
    "SSPL-",
    "RPL-",
    "CPAL-",
    "Sleepycat",
    "CECILL-2",
    "CECILL-1",
    "QPL-",
    "IPL-",
    "RPSL-",
    "Watcom-",
];
const WEAK_COPYLEFT: &[&str] = &[
    "LGPL-",
    "MPL-",
    "EPL-",
    "CDDL-",
    "CPL-",
    "MS-RL",
    "CECILL-C",
    "APSL-",
    "ErlPL-",
    "SPL-",
    "NPL-",
    "LGPLLR",
    "OFL-",
    "CC-BY-SA-",
    "Motosoto",
    "SISSL",
    "gSOAP-",
];
const PUBLIC_DOMAIN: &[&str] = &["CC0-1.0", "Unlicense", "0BSD", "MIT-0", "WTFPL", "CC-PDDC"];
const PERMISSIVE: &[&str] = &[
    "MIT",
    "BSD-",
    "Apache-",
    "ISC",
    "Zlib",
    "BSL-1.0",
    "PostgreSQL",
    "X11",
    "Python-2.0",
    "PSF-2.0",
    "Unicode-",
    "OpenSSL",
    "NCSA",
    "UPL-1.0",
    "W3C",
    "Artistic-2.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "BlueOak-1.0.0",
    "libpng",
    "Libpng",
    "curl",
    "Zope-",
    "OLDAP-",
    "AFL-",
    "ECL-2.0",
    "FTL",
    "HPND",
    "Info-ZIP",
    "JasPer-2.0",
    "MulanPSL-2.0",
    "NTP",
    "PHP-3",
    "Ruby",
    "TCL",
    "Vim",
    "bzip2-1.0.6",
    "ICU",
    "Beerware",
    "BSD-0",
];
const LINKING_EXCEPTIONS: &[&str] = &[
    "Classpath-exception-2.0",
    "LLVM-exception",
    "GCC-exception-2.0",
    "GCC-exception-3.1",
    "Linux-syscall-note",
    "Autoconf-exception-2.0",
    "Autoconf-exception-3.0",
    "Bison-exception-2.2",
    "Font-exception-2.0",
    "OpenJDK-assembly-exception-1.0",
    "Qt-LGPL-exception-1.1",
    "eCos-exception-2.0",
    "WxWindows-exception-3.1",
    "Universal-FOSS-exception-1.0",
    "GPL-CC-1.0",
    "mif-exception",
    "FLTK-exception",
    "u-boot-exception-2.0",
];

fn starts_with_any(id: &str, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| {
        if p.ends_with('-') {
            id.starts_with(p)
        } else {
            id == *p || id.starts_with(&format!("{p}-"))
        }
    })
}

/// The categories of one licence requirement (ID and optional exception).
pub fn categories_of(req: &LicenseReq) -> Vec<LicenceCategory> {
    let LicenseItem::Spdx { id, .. } = &req.license else {
        return vec![LicenceCategory::Other];
    };
    let name = id.name;
    let linking_exception = req
        .addition
        .as_ref()
        .and_then(|a| a.id())
        .is_some_and(|e| LINKING_EXCEPTIONS.contains(&e.name));
    let mut out = Vec::new();
    if starts_with_any(name, PUBLIC_DOMAIN) {
        out.push(LicenceCategory::PublicDomain);
        out.push(LicenceCategory::Permissive);
    } else if starts_with_any(name, NETWORK_COPYLEFT) || starts_with_any(name, STRONG_COPYLEFT) {
        if linking_exception {
            out.push(LicenceCategory::WeakCopyleft);
        } else {
            out.push(LicenceCategory::StrongCopyleft);
            if starts_with_any(name, NETWORK_COPYLEFT) {
                out.push(LicenceCategory::NetworkCopyleft);
            }
        }
    } else if starts_with_any(name, WEAK_COPYLEFT) {
        out.push(LicenceCategory::WeakCopyleft);
    } else if starts_with_any(name, PERMISSIVE) {
        out.push(LicenceCategory::Permissive);
    } else if id.is_copyleft() {
        out.push(LicenceCategory::WeakCopyleft);
    } else if id.is_osi_approved() || id.is_fsf_free_libre() {
        out.push(LicenceCategory::Permissive);
    } else {
        out.push(LicenceCategory::Other);
    }
    out
}

/// One policy rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LicenceRule {
    /// A category, written `{"category": "strong-copyleft"}`.
    Category {
        /// The category.
        category: LicenceCategory,
    },
    /// A licence ID, optionally `WITH` an exception: `"MIT"`,
    /// `"GPL-2.0-only WITH Classpath-exception-2.0"`, `"LicenseRef-Acme"`.
    Licence(String),
}

impl fmt::Display for LicenceRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LicenceRule::Category { category } => write!(f, "category {}", category.as_str()),
            LicenceRule::Licence(id) => f.write_str(id),
        }
    }
}

/// What a policy says about one licence requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum RuleAction {
    /// Not permitted.
    Deny,
    /// Not covered by the policy (no rule matched and the default is unknown).
    Unknown,
    /// Needs a human decision.
    Review,
    /// Permitted.
    Allow,
}

/// A licence policy for one usage context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicencePolicy {
    /// Name of the policy.
    pub name: String,
    /// Usage context (`distributed-firmware`, `saas`, `internal-tool`, …).
    pub context: String,
    /// Allowed licences / categories.
    #[serde(default)]
    pub allow: Vec<LicenceRule>,
    /// Denied licences / categories.
    #[serde(default)]
    pub deny: Vec<LicenceRule>,
    /// Licences / categories needing review.
    #[serde(default)]
    pub review: Vec<LicenceRule>,
    /// Outcome when no rule matches.
    #[serde(default = "default_action")]
    pub default: RuleAction,
}

fn default_action() -> RuleAction {
    RuleAction::Review
}

/// The decision for one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum LicenceVerdict {
    /// Within policy; `licences` is the branch that satisfies it.
    Allowed {
        /// The licences relied on.
        licences: Vec<String>,
    },
    /// Outside policy.
    Violation {
        /// Denied licences.
        licences: Vec<String>,
        /// The rules that denied them.
        rules: Vec<String>,
    },
    /// Needs a human decision.
    NeedsReview {
        /// Licences needing review.
        licences: Vec<String>,
        /// The rules (or "no rule") behind it.
        rules: Vec<String>,
    },
    /// No usable licence information, or not covered by the policy.
    Unknown {
        /// Why.
        reason: String,
    },
}

/// The evaluation of one component's licence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LicenceEvaluation {
    /// The expression as given.
    pub expression: String,
    /// How it was read, when lax parsing changed it (`Apache 2.0` → `Apache-2.0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpreted_as: Option<String>,
    /// The decision.
    #[serde(flatten)]
    pub verdict: LicenceVerdict,
}

#[derive(Debug, Clone)]
struct Leaf {
    licence: String,
    action: RuleAction,
    rule: String,
}

impl LicencePolicy {
    /// Reads a policy from JSON.
    pub fn from_json(text: &str) -> Result<Self, VulnError> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            VulnError::Policy(format!("at $.{path}: {}", e.into_inner()))
        })
    }

    /// A preset for a usage context:
    /// - `distributed-firmware`: shipping binaries in devices. Strong (and network) copyleft
    ///   denied — source-disclosure and, for GPLv3, installation-information duties are rarely
    ///   acceptable for firmware; weak copyleft needs review (LGPL relinking rights are hard to
    ///   honour in firmware); permissive and public domain allowed.
    /// - `saas`: software run as a service. Network copyleft denied; strong copyleft needs review;
    ///   weak copyleft, permissive, public domain allowed.
    /// - `internal-tool`: not distributed. Network copyleft needs review; everything open allowed.
    ///
    /// Licences in category `other` need review everywhere.
    pub fn preset(context: &str) -> Result<Self, VulnError> {
        use LicenceCategory::*;
        let cat = |category| LicenceRule::Category { category };
        let (allow, deny, review) = match context {
            "distributed-firmware" => (
                vec![cat(Permissive), cat(PublicDomain)],
                vec![cat(StrongCopyleft), cat(NetworkCopyleft)],
                vec![cat(WeakCopyleft), cat(Other)],
            ),
            "saas" => (
                vec![cat(Permissive), cat(PublicDomain), cat(WeakCopyleft)],
                vec![cat(NetworkCopyleft)],
                vec![cat(StrongCopyleft), cat(Other)],
            ),
            "internal-tool" => (
                vec![cat(Permissive), cat(PublicDomain), cat(WeakCopyleft), cat(StrongCopyleft)],
                vec![],
                vec![cat(NetworkCopyleft), cat(Other)],
            ),
            other => {
                return Err(VulnError::Policy(format!(
                    "no preset for context {other:?}: expected distributed-firmware, saas or internal-tool"
                )))
            }
        };
        Ok(LicencePolicy {
            name: format!("sanso preset: {context}"),
            context: context.to_string(),
            allow,
            deny,
            review,
            default: RuleAction::Review,
        })
    }

    /// The decision for one licence requirement: (action, rule text).
    fn decide(&self, req: &LicenseReq) -> (RuleAction, String) {
        let text = req.to_string();
        let base = req.license.to_string();
        let categories = categories_of(req);
        // (specificity, action, rule)
        let mut best: Option<(u8, RuleAction, String)> = None;
        for (rules, action) in [
            (&self.deny, RuleAction::Deny),
            (&self.review, RuleAction::Review),
            (&self.allow, RuleAction::Allow),
        ] {
            for rule in rules {
                let specificity = match rule {
                    LicenceRule::Licence(id)
                        if normalise_rule(id) == text && req.addition.is_some() =>
                    {
                        2
                    }
                    LicenceRule::Licence(id)
                        if normalise_rule(id) == base || normalise_rule(id) == text =>
                    {
                        1
                    }
                    LicenceRule::Category { category } if categories.contains(category) => 0,
                    _ => continue,
                };
                // Higher specificity wins; at equal specificity the first list (deny, then
                // review, then allow) wins because it was seen first.
                if best.as_ref().is_none_or(|(s, _, _)| specificity > *s) {
                    best = Some((specificity, action, rule.to_string()));
                }
            }
        }
        match best {
            Some((_, action, rule)) => (action, rule),
            None => (self.default, "no rule (policy default)".to_string()),
        }
    }

    /// Evaluates one licence expression. `None`, empty, `NOASSERTION` and `NONE` give
    /// [`LicenceVerdict::Unknown`].
    pub fn evaluate(&self, expression: Option<&str>) -> LicenceEvaluation {
        let raw = expression.unwrap_or("").trim();
        let unknown = |reason: String| LicenceEvaluation {
            expression: raw.to_string(),
            interpreted_as: None,
            verdict: LicenceVerdict::Unknown { reason },
        };
        if raw.is_empty() || raw == "NOASSERTION" || raw == "NONE" {
            return unknown("no licence information".into());
        }
        let (parsed, interpreted_as) = match Expression::parse(raw) {
            Ok(e) => (e, None),
            Err(strict_err) => match Expression::parse_mode(raw, ParseMode::LAX) {
                Ok(e) => {
                    let canonical = canonical_text(raw, &e);
                    (e, Some(canonical))
                }
                Err(_) => {
                    return unknown(format!("not an SPDX licence expression: {strict_err}"));
                }
            },
        };
        let verdict = self.evaluate_expression(&parsed);
        LicenceEvaluation {
            expression: raw.to_string(),
            interpreted_as,
            verdict,
        }
    }

    fn evaluate_expression(&self, expr: &Expression) -> LicenceVerdict {
        // Postfix evaluation; each stack entry is (outcome, leaves that decided it).
        let mut stack: Vec<(RuleAction, Vec<Leaf>)> = Vec::new();
        for node in expr.iter() {
            match node {
                ExprNode::Req(r) => {
                    let (action, rule) = self.decide(&r.req);
                    stack.push((
                        action,
                        vec![Leaf {
                            licence: r.req.to_string(),
                            action,
                            rule,
                        }],
                    ));
                }
                ExprNode::Op(op) => {
                    let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                        return LicenceVerdict::Unknown {
                            reason: "malformed expression".into(),
                        };
                    };
                    let combined = match op {
                        Operator::Or => a.0.max(b.0),
                        Operator::And => a.0.min(b.0),
                    };
                    let leaves = match (op, combined) {
                        // An allowed OR relies on one branch: keep the first allowed one.
                        (Operator::Or, RuleAction::Allow) => {
                            if a.0 == RuleAction::Allow {
                                a.1
                            } else {
                                b.1
                            }
                        }
                        // An allowed AND relies on every branch.
                        (Operator::And, RuleAction::Allow) => [a.1, b.1].concat(),
                        // Otherwise: every leaf on the deciding side with the deciding outcome.
                        _ => [a, b]
                            .into_iter()
                            .filter(|(o, _)| *o == combined)
                            .flat_map(|(_, l)| l)
                            .filter(|l| l.action == combined)
                            .collect(),
                    };
                    stack.push((combined, leaves));
                }
            }
        }
        let Some((outcome, leaves)) = stack.pop() else {
            return LicenceVerdict::Unknown {
                reason: "empty expression".into(),
            };
        };
        let licences: Vec<String> = leaves.iter().map(|l| l.licence.clone()).collect();
        let mut rules: Vec<String> = leaves.iter().map(|l| l.rule.clone()).collect();
        rules.dedup();
        match outcome {
            RuleAction::Allow => LicenceVerdict::Allowed { licences },
            RuleAction::Deny => LicenceVerdict::Violation { licences, rules },
            RuleAction::Review => LicenceVerdict::NeedsReview { licences, rules },
            RuleAction::Unknown => LicenceVerdict::Unknown {
                reason: format!("not covered by policy: {}", licences.join(", ")),
            },
        }
    }
}

/// Canonical spelling of a rule's licence text so `GPL-2.0-only WITH X` compares with the
/// `spdx` crate's display form.
fn normalise_rule(rule: &str) -> String {
    match Expression::parse(rule) {
        Ok(e) => match e.requirements().next() {
            Some(r) if e.requirements().count() == 1 => r.req.to_string(),
            _ => rule.trim().to_string(),
        },
        Err(_) => rule.trim().to_string(),
    }
}

/// Rewrites `raw` with each licence requirement in its canonical SPDX spelling, keeping operators
/// and parentheses where they were (`Apache 2.0 OR MIT` → `Apache-2.0 OR MIT`).
fn canonical_text(raw: &str, expr: &Expression) -> String {
    let mut reqs: Vec<_> = expr.requirements().collect();
    reqs.sort_by_key(|r| r.span.start);
    let mut out = String::with_capacity(raw.len());
    let mut pos = 0usize;
    for r in reqs {
        let (start, end) = (r.span.start as usize, r.span.end as usize);
        match (raw.get(pos..start), raw.get(start..end)) {
            (Some(between), Some(_)) => {
                out.push_str(between);
                out.push_str(&r.req.to_string());
                pos = end;
            }
            // Spans that do not fall on character boundaries: fall back to the parsed form.
            _ => {
                return expr
                    .requirements()
                    .map(|r| r.req.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
    }
    out.push_str(raw.get(pos..).unwrap_or(""));
    out
}
