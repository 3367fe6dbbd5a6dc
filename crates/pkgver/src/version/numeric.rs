//! Purely numeric dotted versions: Hackage (PVP) and CRAN.
//!
//! Hackage (Haskell PVP): `N(.N)*`, compared as lists, so a longer list with
//! an equal prefix is greater (`1.0 < 1.0.0`). CRAN (`package_version`):
//! numbers separated by `.` or `-`, compared the same way, leading zeros
//! ignored (`0.01.0 == 0.1-0`).

use super::num::Num;
use super::{Ecosystem, VersionError};

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericKey(pub Vec<Num>);

pub fn parse(eco: Ecosystem, s: &str) -> Result<NumericKey, VersionError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(VersionError::Empty { ecosystem: eco });
    }
    let separators: &[char] = if eco == Ecosystem::Cran {
        &['.', '-']
    } else {
        &['.']
    };
    let mut out = Vec::new();
    for (index, part) in t.split(separators).enumerate() {
        match Num::parse(part) {
            Some(n) => out.push(n),
            None => {
                return Err(VersionError::invalid(
                    eco,
                    s,
                    &format!("component {} ({part:?}) is not a number", index + 1),
                ))
            }
        }
    }
    Ok(NumericKey(out))
}
