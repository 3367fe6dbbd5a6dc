//! Maven ordering: `org.apache.maven.artifact.versioning.ComparableVersion`.
//!
//! The version is lower-cased and cut into items at `.`, at `-`, and where
//! digits meet letters. `-` and a digit/letter transition open a nested list,
//! so `1-rc-2` is `[1, [rc, [2]]]`. Items are numbers or qualifiers; a single
//! letter directly followed by a digit abbreviates (`a1` = `alpha-1`, `b`,
//! `m` = milestone), and `ga`/`final`/`release` mean the release itself
//! (empty qualifier), `cr` means `rc`. Trailing "null" items (0, empty
//! qualifier, empty list) are dropped from each list, so `1.0.0 == 1`.
//!
//! Qualifier order: alpha < beta < milestone < rc < snapshot < (release) < sp
//! < any other qualifier (those compare alphabetically). Comparing an item with
//! a missing one (shorter list): a number is greater unless 0; a qualifier
//! compares against the release qualifier; a list compares by its first item.
//! Across kinds: number > list > qualifier... precisely: int vs string → int
//! greater; int vs list → int greater; string vs list → list greater.

use super::num::Num;
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Item {
    Int(Num),
    /// Already mapped through the qualifier table: known qualifiers become a
    /// one-digit rank ("0".."6"), unknown ones `"7-<text>"`, so plain string
    /// comparison gives the Maven order.
    Qualifier(Box<str>),
    List(Vec<Item>),
}

const RELEASE_RANK: &str = "5";

fn qualifier_rank(q: &str) -> Box<str> {
    let rank = match q {
        "alpha" => "0",
        "beta" => "1",
        "milestone" => "2",
        "rc" => "3",
        "snapshot" => "4",
        "" => "5",
        "sp" => "6",
        other => return format!("7-{other}").into(),
    };
    rank.into()
}

fn make_qualifier(text: &str, followed_by_digit: bool) -> Item {
    let mut q = text;
    if followed_by_digit && q.len() == 1 {
        q = match q {
            "a" => "alpha",
            "b" => "beta",
            "m" => "milestone",
            other => other,
        };
    }
    let q = match q {
        "ga" | "final" | "release" => "",
        "cr" => "rc",
        other => other,
    };
    Item::Qualifier(qualifier_rank(q))
}

fn make_item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        Item::Int(Num::from_digits(text))
    } else {
        make_qualifier(text, false)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n.is_zero(),
            Item::Qualifier(q) => &**q == RELEASE_RANK,
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares `self` with an absent item.
    fn cmp_null(&self) -> Ordering {
        match self {
            Item::Int(n) => {
                if n.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Qualifier(q) => (**q).cmp(RELEASE_RANK),
            Item::List(l) => l.first().map_or(Ordering::Equal, Item::cmp_null),
        }
    }
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Item::Int(a), Item::Int(b)) => a.cmp(b),
            (Item::Int(_), _) => Ordering::Greater,
            (Item::Qualifier(_), Item::Int(_)) => Ordering::Less,
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp(b),
            (Item::Qualifier(_), Item::List(_)) => Ordering::Less,
            (Item::List(_), Item::Int(_)) => Ordering::Less,
            (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
        }
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let r = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(x), None) => x.cmp_null(),
            (None, Some(y)) => y.cmp_null().reverse(),
            (None, None) => Ordering::Equal,
        };
        if r != Ordering::Equal {
            return r;
        }
    }
    Ordering::Equal
}

/// Parsed Maven version: the top-level item list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MavenKey(pub Vec<Item>);

impl Ord for MavenKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.0, &other.0)
    }
}

impl PartialOrd for MavenKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Builds the nested item list. Lists are kept as a stack of open lists;
/// each `-` or digit/letter transition pushes a new one nested in the
/// current, and at the end every list is normalised innermost first.
pub fn parse(s: &str) -> MavenKey {
    let v = s.trim().to_lowercase();
    // Stack of lists under construction; element 0 is the root.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let bytes = v.as_bytes();
    let mut is_digit = false;
    let mut start = 0usize;

    fn top(stack: &mut [Vec<Item>]) -> &mut Vec<Item> {
        let last = stack.len() - 1;
        &mut stack[last]
    }

    for (i, &c) in bytes.iter().enumerate() {
        if c == b'.' {
            if i == start {
                top(&mut stack).push(Item::Int(Num::ZERO));
            } else {
                top(&mut stack).push(make_item(is_digit, &v[start..i]));
            }
            start = i + 1;
        } else if c == b'-' {
            if i == start {
                top(&mut stack).push(Item::Int(Num::ZERO));
            } else {
                top(&mut stack).push(make_item(is_digit, &v[start..i]));
            }
            start = i + 1;
            stack.push(Vec::new());
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                top(&mut stack).push(make_qualifier(&v[start..i], true));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                top(&mut stack).push(make_item(true, &v[start..i]));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = false;
        }
    }
    if v.len() > start {
        top(&mut stack).push(make_item(is_digit, &v[start..]));
    }
    // Close the nested lists innermost first: normalise, then attach to parent.
    while stack.len() > 1 {
        let mut list = stack.pop().unwrap_or_default();
        normalize(&mut list);
        top(&mut stack).push(Item::List(list));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    MavenKey(root)
}

/// Drops trailing null items, looking through trailing sub-lists the way
/// Maven does (a trailing list stops nothing; a non-null non-list stops).
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if list[i].is_null() {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}
