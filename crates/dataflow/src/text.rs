//! Bilingual text: every label a user reads exists in Japanese and English.

use serde::{Deserialize, Serialize};

/// A label or sentence in Japanese (`ja`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The text in the requested language; `"ja"` gives Japanese, anything else English.
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ja" {
            &self.ja
        } else {
            &self.en
        }
    }
}
