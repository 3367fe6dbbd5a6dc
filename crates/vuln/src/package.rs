//! Packages to scan: from a purl or from (OSV ecosystem, name, version).
//!
//! A purl is turned into the OSV coordinates the database is keyed by:
//! - the OSV ecosystem from the purl type (`cargo` → `crates.io`, `golang` → `Go`, `deb` with
//!   namespace `ubuntu` → `Ubuntu`, …), with the distribution release taken from the `distro`
//!   qualifier when present (`distro=debian-12` → `Debian:12`);
//! - the OSV package name: `namespace/name` for Go, npm scopes and Composer, `namespace:name`
//!   for Maven (group:artifact), the bare name elsewhere (distribution packages carry the
//!   distribution, not a name part, in their namespace).

use serde::Serialize;

use sanso_pkgver::PackageUrl;

use crate::error::VulnError;

/// One package to scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRef {
    /// Canonical purl, when known (used for output and VEX matching).
    pub purl: Option<String>,
    /// OSV ecosystem, possibly with release (`Debian:12`).
    pub ecosystem: String,
    /// OSV package name.
    pub name: String,
    /// Version as given.
    pub version: String,
    /// Optional identifier in its SBOM (CycloneDX `bom-ref`, SPDX `SPDXID`), also matched by VEX.
    pub bom_ref: Option<String>,
}

impl PackageRef {
    /// A package given by OSV coordinates.
    pub fn new(ecosystem: &str, name: &str, version: &str) -> Self {
        PackageRef {
            purl: None,
            ecosystem: ecosystem.to_string(),
            name: name.to_string(),
            version: version.to_string(),
            bom_ref: None,
        }
    }

    /// A package given by purl. Fails when the purl is invalid, has no version, or its type has no
    /// OSV ecosystem.
    pub fn from_purl(purl: &str) -> Result<Self, VulnError> {
        let parsed = PackageUrl::parse(purl).map_err(|e| VulnError::Usage(e.to_string()))?;
        let version = parsed
            .version
            .clone()
            .ok_or_else(|| VulnError::Usage(format!("package URL {purl:?} has no version")))?;
        let (ecosystem, name) = osv_coordinates(&parsed).ok_or_else(|| {
            VulnError::Usage(format!(
                "package URL type {:?} of {purl:?} has no OSV ecosystem",
                parsed.ty
            ))
        })?;
        Ok(PackageRef {
            purl: Some(parsed.to_canonical_string()),
            ecosystem,
            name,
            version,
            bom_ref: None,
        })
    }

    /// Sets the SBOM identifier.
    pub fn with_bom_ref(mut self, bom_ref: impl Into<String>) -> Self {
        self.bom_ref = Some(bom_ref.into());
        self
    }

    /// A label for reports: the purl, else `ecosystem/name@version`.
    pub fn label(&self) -> String {
        self.purl
            .clone()
            .unwrap_or_else(|| format!("{}/{}@{}", self.ecosystem, self.name, self.version))
    }
}

/// OSV (ecosystem, package name) for a parsed purl; `None` when the type has no OSV ecosystem.
pub fn osv_coordinates(purl: &PackageUrl) -> Option<(String, String)> {
    let ns = purl.namespace.as_deref();
    let joined = |sep: char| match ns {
        Some(ns) => format!("{ns}{sep}{}", purl.name),
        None => purl.name.clone(),
    };
    let distro_release = || {
        purl.qualifiers
            .get("distro")
            .and_then(|d| d.rsplit_once('-').map(|(_, r)| r.to_string()))
    };
    let with_release = |eco: &str| match distro_release() {
        Some(r) => format!("{eco}:{r}"),
        None => eco.to_string(),
    };
    let (ecosystem, name) = match purl.ty.as_str() {
        "cargo" => ("crates.io".to_string(), purl.name.clone()),
        "golang" => ("Go".to_string(), joined('/')),
        "npm" => ("npm".to_string(), joined('/')),
        "pypi" => ("PyPI".to_string(), purl.name.clone()),
        "maven" => ("Maven".to_string(), joined(':')),
        "nuget" => ("NuGet".to_string(), purl.name.clone()),
        "gem" => ("RubyGems".to_string(), purl.name.clone()),
        "composer" => ("Packagist".to_string(), joined('/')),
        "pub" => ("Pub".to_string(), purl.name.clone()),
        "hex" => ("Hex".to_string(), purl.name.clone()),
        "hackage" => ("Hackage".to_string(), purl.name.clone()),
        "cran" => ("CRAN".to_string(), purl.name.clone()),
        "swift" => ("SwiftURL".to_string(), joined('/')),
        "bitnami" => ("Bitnami".to_string(), purl.name.clone()),
        "githubactions" | "github" => ("GitHub Actions".to_string(), joined('/')),
        "deb" => {
            let eco = match ns {
                Some("ubuntu") => "Ubuntu",
                _ => "Debian",
            };
            (with_release(eco), purl.name.clone())
        }
        "apk" => {
            let eco = match ns {
                Some("wolfi") => "Wolfi",
                Some("chainguard") => "Chainguard",
                _ => "Alpine",
            };
            (with_release(eco), purl.name.clone())
        }
        "rpm" => {
            let eco = match ns {
                Some("rocky-linux") | Some("rocky") => "Rocky Linux",
                Some("almalinux") => "AlmaLinux",
                Some("opensuse") => "openSUSE",
                Some("suse") => "SUSE",
                Some("openeuler") => "openEuler",
                Some("mariner") => "Mariner",
                Some("azurelinux") => "Azure Linux",
                _ => "Red Hat",
            };
            (eco.to_string(), purl.name.clone())
        }
        _ => return None,
    };
    Some((ecosystem, name))
}

/// VEX purl matching: does the statement's purl `pattern` cover the component purl `component`?
///
/// Type, namespace and name must be equal (both are normalised by `sanso-pkgver`). A pattern
/// without version covers every version. A pattern's qualifiers must all be present with equal
/// values in the component (a pattern without qualifiers ignores the component's); the same for
/// the subpath.
pub fn purl_covers(pattern: &PackageUrl, component: &PackageUrl) -> bool {
    if pattern.ty != component.ty
        || pattern.namespace != component.namespace
        || pattern.name != component.name
    {
        return false;
    }
    if let Some(v) = &pattern.version {
        if component.version.as_ref() != Some(v) {
            return false;
        }
    }
    if pattern
        .qualifiers
        .iter()
        .any(|(k, v)| component.qualifiers.get(k) != Some(v))
    {
        return false;
    }
    match &pattern.subpath {
        Some(sp) => component.subpath.as_ref() == Some(sp),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PackageUrl {
        PackageUrl::parse(s).unwrap()
    }

    #[test]
    fn purl_to_osv() {
        let r = PackageRef::from_purl("pkg:golang/github.com/gin-gonic/gin@v1.5.0").unwrap();
        assert_eq!(
            (r.ecosystem.as_str(), r.name.as_str()),
            ("Go", "github.com/gin-gonic/gin")
        );
        let r =
            PackageRef::from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").unwrap();
        assert_eq!(r.name, "org.apache.logging.log4j:log4j-core");
        let r = PackageRef::from_purl("pkg:npm/%40angular/core@12.0.0").unwrap();
        assert_eq!(r.name, "@angular/core");
        let r = PackageRef::from_purl("pkg:deb/debian/curl@7.74.0-1.3?distro=debian-11").unwrap();
        assert_eq!(r.ecosystem, "Debian:11");
        assert!(PackageRef::from_purl("pkg:cargo/serde").is_err());
        assert!(PackageRef::from_purl("not a purl").is_err());
        assert!(PackageRef::from_purl("pkg:generic/thing@1").is_err());
    }

    #[test]
    fn vex_purl_matching_rules() {
        let c = p("pkg:maven/org.x/lib@1.0?type=jar");
        assert!(purl_covers(&p("pkg:maven/org.x/lib"), &c));
        assert!(purl_covers(&p("pkg:maven/org.x/lib@1.0"), &c));
        assert!(purl_covers(&p("pkg:maven/org.x/lib@1.0?type=jar"), &c));
        assert!(!purl_covers(&p("pkg:maven/org.x/lib@1.0?type=pom"), &c));
        assert!(!purl_covers(&p("pkg:maven/org.x/lib@1.1"), &c));
        assert!(!purl_covers(&p("pkg:maven/org.y/lib@1.0"), &c));
    }
}
