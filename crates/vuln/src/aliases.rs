//! Alias groups: one vulnerability, many IDs.
//!
//! The same flaw is published as `CVE-…`, `GHSA-…`, `RUSTSEC-…`, `GO-…`, `PYSEC-…`, each record
//! listing some of the others in `aliases`. Aliasing is treated as an equivalence relation: a
//! union-find (disjoint-set forest with path halving and union by size) joins every advisory ID
//! with each of its aliases, so that transitively linked IDs land in one group even when no
//! single record lists them all. A scan then reports ONE finding per (package, group).
//!
//! Each group has a canonical ID chosen deterministically, independent of load order:
//! a `CVE-` ID first, then `GHSA-`, then the other databases in a fixed order, then any other ID;
//! within one kind, CVE IDs compare by (year, number) numerically and others by string.
//!
//! `related` IDs are deliberately NOT joined: they name different vulnerabilities.

use rustc_hash::FxHashMap as HashMap;

/// Union-find over vulnerability IDs.
#[derive(Debug, Clone, Default)]
pub struct AliasGroups {
    index_of: HashMap<String, u32>,
    names: Vec<String>,
    parent: Vec<u32>,
    /// Members of each root's group (only meaningful at roots).
    members: Vec<Vec<u32>>,
    /// Canonical member of each root's group (only meaningful at roots), kept up to date on
    /// union so lookups do not rescan the group.
    canonical: Vec<u32>,
}

impl AliasGroups {
    /// An empty set of groups.
    pub fn new() -> Self {
        Self::default()
    }

    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index_of.get(id) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(id.to_string());
        self.parent.push(i);
        self.members.push(vec![i]);
        self.canonical.push(i);
        self.index_of.insert(id.to_string(), i);
        i
    }

    fn find(&self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            i = self.parent[i as usize];
        }
        i
    }

    fn find_compress(&mut self, mut i: u32) -> u32 {
        while self.parent[i as usize] != i {
            let grandparent = self.parent[self.parent[i as usize] as usize];
            self.parent[i as usize] = grandparent;
            i = grandparent;
        }
        i
    }

    /// Records that `a` and `b` name the same vulnerability.
    pub fn union(&mut self, a: &str, b: &str) {
        let ia = self.intern(a);
        let ib = self.intern(b);
        let ra = self.find_compress(ia);
        let rb = self.find_compress(ib);
        if ra == rb {
            return;
        }
        // Union by size: the larger group's root stays root, so member lists move rarely.
        let (big, small) = if self.members[ra as usize].len() >= self.members[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.members[big as usize].extend(moved);
        let (cb, cs) = (self.canonical[big as usize], self.canonical[small as usize]);
        if canonical_order(&self.names[cs as usize], &self.names[cb as usize]).is_lt() {
            self.canonical[big as usize] = cs;
        }
    }

    /// Adds an ID with its aliases.
    pub fn add<'a>(&mut self, id: &str, aliases: impl IntoIterator<Item = &'a str>) {
        self.intern(id);
        for alias in aliases {
            self.union(id, alias);
        }
    }

    /// All IDs of the group `id` belongs to, canonical first then in canonical order.
    /// An unknown ID forms a group of its own.
    pub fn group(&self, id: &str) -> Vec<String> {
        let Some(&i) = self.index_of.get(id) else {
            return vec![id.to_string()];
        };
        let root = self.find(i);
        let mut ids: Vec<String> = self.members[root as usize]
            .iter()
            .map(|&m| self.names[m as usize].clone())
            .collect();
        ids.sort_by(|a, b| canonical_order(a, b));
        ids
    }

    /// The canonical ID of the group `id` belongs to.
    pub fn canonical(&self, id: &str) -> String {
        let Some(&i) = self.index_of.get(id) else {
            return id.to_string();
        };
        let root = self.find(i);
        self.names[self.canonical[root as usize] as usize].clone()
    }

    /// True when both IDs are in one group.
    pub fn same_group(&self, a: &str, b: &str) -> bool {
        match (self.index_of.get(a), self.index_of.get(b)) {
            (Some(&x), Some(&y)) => self.find(x) == self.find(y),
            _ => a == b,
        }
    }

    /// Number of distinct IDs known.
    pub fn id_count(&self) -> usize {
        self.names.len()
    }
}

/// Preference rank of an ID's database; lower is preferred as canonical.
fn database_rank(id: &str) -> u8 {
    const ORDER: &[&str] = &[
        "CVE-", "GHSA-", "RUSTSEC-", "GO-", "PYSEC-", "OSV-", "MAL-", "GSD-", "DSA-", "DLA-",
        "USN-", "ALSA-", "RHSA-", "ALBA-",
    ];
    ORDER
        .iter()
        .position(|p| id.starts_with(p))
        .map(|p| p as u8)
        .unwrap_or(ORDER.len() as u8)
}

/// `CVE-2021-44228` → `(2021, 44228)` for numeric ordering.
fn cve_numbers(id: &str) -> Option<(u32, u64)> {
    let rest = id.strip_prefix("CVE-")?;
    let (year, number) = rest.split_once('-')?;
    Some((year.parse().ok()?, number.parse().ok()?))
}

/// Total order used to pick the canonical ID of a group.
pub fn canonical_order(a: &str, b: &str) -> std::cmp::Ordering {
    database_rank(a)
        .cmp(&database_rank(b))
        .then_with(|| match (cve_numbers(a), cve_numbers(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => std::cmp::Ordering::Equal,
        })
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitive_groups_and_canonical_choice() {
        let mut g = AliasGroups::new();
        g.add("RUSTSEC-2020-0001", ["GHSA-aaaa-bbbb-cccc"]);
        g.add("GHSA-aaaa-bbbb-cccc", ["CVE-2020-9999"]);
        g.add("GO-2021-0001", ["CVE-2021-1"]);
        assert!(g.same_group("RUSTSEC-2020-0001", "CVE-2020-9999"));
        assert!(!g.same_group("RUSTSEC-2020-0001", "CVE-2021-1"));
        assert_eq!(g.canonical("RUSTSEC-2020-0001"), "CVE-2020-9999");
        assert_eq!(
            g.group("GHSA-aaaa-bbbb-cccc"),
            vec!["CVE-2020-9999", "GHSA-aaaa-bbbb-cccc", "RUSTSEC-2020-0001"]
        );
        assert_eq!(g.canonical("UNKNOWN-1"), "UNKNOWN-1");
    }

    #[test]
    fn cve_numbers_compare_numerically() {
        let mut g = AliasGroups::new();
        g.add("GHSA-x", ["CVE-2021-10000", "CVE-2021-9999"]);
        assert_eq!(g.canonical("GHSA-x"), "CVE-2021-9999");
    }

    #[test]
    fn load_order_does_not_change_canonical() {
        let mut a = AliasGroups::new();
        a.add("GO-1", ["GHSA-1"]);
        a.add("PYSEC-1", ["GHSA-1", "CVE-2000-1"]);
        let mut b = AliasGroups::new();
        b.add("PYSEC-1", ["GHSA-1", "CVE-2000-1"]);
        b.add("GO-1", ["GHSA-1"]);
        assert_eq!(a.canonical("GO-1"), b.canonical("GO-1"));
        assert_eq!(a.group("GO-1"), b.group("GO-1"));
    }
}
