//! The tamper-evident audit chain.
//!
//! Every change is one [`AuditEntry`]. Entries form a single chain over the installation: each entry's
//! `hash` is SHA-256 over its own fields and the previous entry's hash, so changing, removing or
//! reordering any entry breaks every link after it. The store keeps the newest sequence number and hash
//! in a separate head record, which also catches entries cut off the end.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    /// `None` for installation-wide changes (users, workspaces being created).
    pub workspace_id: Option<String>,
    /// Who: `user:<id> <email>`, `token:<id>`, `cli`, `system`.
    pub actor: String,
    /// What: `node.create`, `connection.delete`, `member.add` …
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The object before the change, as JSON text; `None` on create.
    pub before: Option<String>,
    /// The object after the change, as JSON text; `None` on delete.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        // A JSON array gives an unambiguous encoding: no field can run into the next.
        let fields = serde_json::json!([
            self.seq,
            self.at,
            self.workspace_id,
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            self.before,
            self.after,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(fields.to_string().as_bytes()))
    }
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its hash does not match its contents (the entry was altered)")]
    HashMismatch { seq: i64 },
    #[error("entry {seq}: it does not link to the entry before it (an entry was removed, inserted or altered)")]
    BrokenLink { seq: i64 },
    #[error("entry {seq}: expected sequence number {expected} (entries missing or reordered)")]
    Gap { seq: i64, expected: i64 },
    #[error("the chain ends at entry {last_seq} but the head records entry {head_seq} (entries were cut off the end or the head was altered)")]
    HeadMismatch { last_seq: i64, head_seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::HashMismatch { seq }
            | ChainBreak::BrokenLink { seq }
            | ChainBreak::Gap { seq, .. } => *seq,
            ChainBreak::HeadMismatch { last_seq, .. } => *last_seq,
        }
    }
}

/// Checks entries in sequence order, one at a time, so any length of log verifies in constant memory.
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq: entry.seq,
                expected: self.expected_seq,
            });
        }
        if entry.prev_hash != self.prev_hash {
            return Err(ChainBreak::BrokenLink { seq: entry.seq });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainBreak::HashMismatch { seq: entry.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = entry.hash.clone();
        Ok(())
    }

    /// Compares the end of the chain with the head record; returns the number of entries verified.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last_seq = self.expected_seq - 1;
        if last_seq != head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak::HeadMismatch { last_seq, head_seq });
        }
        Ok(last_seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-01-01T00:00:0{seq}Z"),
                    workspace_id: Some("w".into()),
                    actor: "cli".into(),
                    action: "node.create".into(),
                    object_type: "node".into(),
                    object_id: format!("n{seq}"),
                    before: None,
                    after: Some(format!("{{\"name\":\"n{seq}\"}}")),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.check(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash)), Ok(5));
        assert_eq!(verify(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn each_kind_of_tampering_is_found_at_the_right_entry() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());
        let mut altered = c.clone();
        altered[2].after = Some("{\"name\":\"evil\"}".into());
        assert_eq!(
            verify(&altered, (head.0, &head.1)),
            Err(ChainBreak::HashMismatch { seq: 3 })
        );

        let mut rehashed = altered.clone();
        rehashed[2].hash = rehashed[2].compute_hash();
        assert_eq!(
            verify(&rehashed, (head.0, &head.1)),
            Err(ChainBreak::BrokenLink { seq: 4 })
        );

        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(
            verify(&removed, (head.0, &head.1)),
            Err(ChainBreak::Gap {
                seq: 3,
                expected: 2
            })
        );

        let truncated = &c[..4];
        assert_eq!(
            verify(truncated, (head.0, &head.1)),
            Err(ChainBreak::HeadMismatch {
                last_seq: 4,
                head_seq: 5
            })
        );
    }
}
