//! Package URLs (purl): `pkg:type/namespace/name@version?qualifiers#subpath`.
//!
//! Parsing follows the purl specification's procedure: split off the
//! subpath at `#` and the qualifiers at `?`, require the `pkg` scheme
//! (slashes after `pkg:` are insignificant), take the type up to the first
//! `/`, the version after the last `@`, the name after the last `/`, and the
//! rest as namespace segments; every component is percent-decoded. Then the
//! per-type rules are applied: case folding (`github`, `pypi`, …), PyPI's `_`
//! → `-`, and required or prohibited components (`maven` needs a namespace,
//! `vcpkg` forbids one, `julia` needs a `uuid` qualifier, …).
//!
//! The canonical form (`Display`) lower-cases the type, percent-encodes every
//! component except unreserved characters and `:` (namespace and subpath
//! segments are encoded one by one and joined with `/`), sorts qualifiers by
//! key and drops empty qualifier values.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::BTreeMap;
use std::fmt;

/// Characters percent-encoded in canonical purls: all but `A-Za-z0-9-._~:`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// A parsed, normalised Package URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageUrl {
    /// Lower-case package type (`npm`, `maven`, …).
    pub ty: String,
    /// Decoded namespace segments joined by `/`.
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// Lower-case keys, decoded non-empty values.
    pub qualifiers: BTreeMap<String, String>,
    /// Decoded subpath segments joined by `/`, without `.`/`..`/empty ones.
    pub subpath: Option<String>,
}

/// Why a Package URL is invalid; carries the offending input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid package URL {input:?}: {kind}")]
pub struct PurlError {
    /// The purl string, or a rendering of the components being built.
    pub input: String,
    pub kind: PurlErrorKind,
}

/// What exactly is wrong with a Package URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PurlErrorKind {
    #[error("missing the 'pkg:' scheme")]
    MissingScheme,
    #[error("missing the package type")]
    MissingType,
    #[error(
        "type {0:?} must start with a letter and contain only letters, digits, '.', '+' and '-'"
    )]
    InvalidType(String),
    #[error("missing the package name")]
    MissingName,
    #[error("qualifier key {0:?} must start with a letter and contain only letters, digits, '.', '-' and '_'")]
    InvalidQualifierKey(String),
    #[error("qualifier key {0:?} appears twice")]
    DuplicateQualifier(String),
    #[error("{component} is not valid percent-encoded UTF-8")]
    BadEncoding { component: &'static str },
    #[error("{ty} purls {rule}")]
    TypeRule { ty: String, rule: &'static str },
}

fn err(input: &str, kind: PurlErrorKind) -> PurlError {
    PurlError {
        input: input.to_string(),
        kind,
    }
}

fn decode(input: &str, s: &str, component: &'static str) -> Result<String, PurlError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| err(input, PurlErrorKind::BadEncoding { component }))
}

fn is_valid_type(ty: &str) -> bool {
    let mut chars = ty.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
}

fn is_valid_qualifier_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn clean_segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
}

impl PackageUrl {
    /// A purl with just a type and a name, validated and normalised.
    pub fn new(ty: impl Into<String>, name: impl Into<String>) -> Result<PackageUrl, PurlError> {
        PackageUrl::from_parts(&ty.into(), None, &name.into(), None, BTreeMap::new(), None)
    }

    /// Builds a purl from decoded components, validating and normalising
    /// them exactly as [`PackageUrl::parse`] does.
    pub fn from_parts(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: BTreeMap<String, String>,
        subpath: Option<&str>,
    ) -> Result<PackageUrl, PurlError> {
        let shown = format!("{ty}/{}/{name}", namespace.unwrap_or(""));
        if ty.is_empty() {
            return Err(err(&shown, PurlErrorKind::MissingType));
        }
        if !is_valid_type(ty) {
            return Err(err(&shown, PurlErrorKind::InvalidType(ty.to_string())));
        }
        let mut q = BTreeMap::new();
        for (k, v) in qualifiers {
            if !is_valid_qualifier_key(&k) {
                return Err(err(&shown, PurlErrorKind::InvalidQualifierKey(k)));
            }
            if !v.is_empty() {
                q.insert(k.to_ascii_lowercase(), v);
            }
        }
        let namespace = namespace
            .map(|ns| clean_segments(ns).collect::<Vec<_>>().join("/"))
            .filter(|ns| !ns.is_empty());
        let subpath = subpath
            .map(|sp| clean_segments(sp).collect::<Vec<_>>().join("/"))
            .filter(|sp| !sp.is_empty());
        let mut purl = PackageUrl {
            ty: ty.to_ascii_lowercase(),
            namespace,
            name: name.to_string(),
            version: version.filter(|v| !v.is_empty()).map(str::to_string),
            qualifiers: q,
            subpath,
        };
        if purl.name.is_empty() {
            return Err(err(&shown, PurlErrorKind::MissingName));
        }
        purl.apply_type_rules(&shown)?;
        Ok(purl)
    }

    /// Parses a purl string and normalises it.
    pub fn parse(input: &str) -> Result<PackageUrl, PurlError> {
        let s = input.trim();
        let (rest, subpath) = match s.split_once('#') {
            Some((r, sp)) => (r, Some(sp)),
            None => (s, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (scheme, rest) = rest
            .split_once(':')
            .ok_or_else(|| err(input, PurlErrorKind::MissingScheme))?;
        if !scheme.eq_ignore_ascii_case("pkg") {
            return Err(err(input, PurlErrorKind::MissingScheme));
        }
        let rest = rest.trim_matches('/');
        let (ty, rest) = rest.split_once('/').unwrap_or((rest, ""));
        if ty.is_empty() {
            return Err(err(input, PurlErrorKind::MissingType));
        }
        if !is_valid_type(ty) {
            return Err(err(input, PurlErrorKind::InvalidType(ty.to_string())));
        }
        // The version follows the last '@' of the last path segment, so a
        // scope like `@babel/core` is no version, while `node@20@20.10.0`
        // names `node@20` at version 20.10.0.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (rest, version) = match rest[last_slash..].rfind('@') {
            Some(at) => {
                let at = last_slash + at;
                (
                    &rest[..at],
                    Some(decode(input, &rest[at + 1..], "version")?),
                )
            }
            None => (rest, None),
        };
        // `git` purls have a one-segment namespace (the host) and a path name.
        let split = if ty.eq_ignore_ascii_case("git") {
            rest.split_once('/')
        } else {
            rest.rsplit_once('/')
        };
        let (namespace, name) = match split {
            Some((ns, n)) => (Some(ns), n),
            None => (None, rest),
        };
        let name = clean_path_or_segment(input, name, ty.eq_ignore_ascii_case("git"))?;
        let namespace = match namespace {
            Some(ns) => {
                let segs = clean_segments(ns)
                    .map(|seg| decode(input, seg, "namespace"))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(segs.join("/"))
            }
            None => None,
        };
        let mut qualifiers = BTreeMap::new();
        if let Some(query) = query {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                if !is_valid_qualifier_key(k) {
                    return Err(err(
                        input,
                        PurlErrorKind::InvalidQualifierKey(k.to_string()),
                    ));
                }
                let key = k.to_ascii_lowercase();
                let value = decode(input, v, "qualifier value")?;
                if value.is_empty() {
                    continue;
                }
                if qualifiers.insert(key.clone(), value).is_some() {
                    return Err(err(input, PurlErrorKind::DuplicateQualifier(key)));
                }
            }
        }
        let subpath = match subpath {
            Some(sp) => {
                let segs = clean_segments(sp)
                    .map(|seg| decode(input, seg, "subpath"))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(segs.join("/"))
            }
            None => None,
        };
        let mut purl = PackageUrl {
            ty: ty.to_ascii_lowercase(),
            namespace: namespace.filter(|n| !n.is_empty()),
            name,
            version: version.filter(|v| !v.is_empty()),
            qualifiers,
            subpath: subpath.filter(|s| !s.is_empty()),
        };
        if purl.name.is_empty() {
            return Err(err(input, PurlErrorKind::MissingName));
        }
        purl.apply_type_rules(input)?;
        Ok(purl)
    }

    /// Sets the version (builder style).
    pub fn with_version(mut self, version: impl Into<String>) -> PackageUrl {
        let v = version.into();
        self.version = (!v.is_empty()).then_some(v);
        self
    }

    /// Sets the namespace (builder style); the type rules are re-applied.
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Result<PackageUrl, PurlError> {
        let ns = namespace.into();
        self.namespace = (!ns.is_empty()).then_some(ns);
        let shown = self.to_canonical_string();
        self.apply_type_rules(&shown)?;
        Ok(self)
    }

    /// Adds a qualifier (builder style); empty values are dropped.
    pub fn with_qualifier(
        mut self,
        key: &str,
        value: impl Into<String>,
    ) -> Result<PackageUrl, PurlError> {
        if !is_valid_qualifier_key(key) {
            return Err(err(
                &self.to_canonical_string(),
                PurlErrorKind::InvalidQualifierKey(key.to_string()),
            ));
        }
        let v = value.into();
        if !v.is_empty() {
            self.qualifiers.insert(key.to_ascii_lowercase(), v);
        }
        Ok(self)
    }

    /// The version-ordering ecosystem of this purl's type, if known.
    pub fn ecosystem(&self) -> Option<crate::version::Ecosystem> {
        crate::version::Ecosystem::from_purl_type(&self.ty)
    }

    /// The canonical string form.
    pub fn to_canonical_string(&self) -> String {
        self.to_string()
    }

    /// The canonical form without version, qualifiers and subpath: the
    /// identity of the package across its versions.
    pub fn package_key(&self) -> String {
        let mut s = format!("pkg:{}/", self.ty);
        if let Some(ns) = &self.namespace {
            push_segments(&mut s, ns);
            s.push('/');
        }
        if self.ty == "git" {
            push_segments(&mut s, &self.name);
        } else {
            s.extend(utf8_percent_encode(&self.name, COMPONENT));
        }
        s
    }

    fn apply_type_rules(&mut self, input: &str) -> Result<(), PurlError> {
        let ty = self.ty.clone();
        let rule = |rule: &'static str| {
            err(
                input,
                PurlErrorKind::TypeRule {
                    ty: ty.clone(),
                    rule,
                },
            )
        };
        let lower_ns = |p: &mut PackageUrl| {
            if let Some(ns) = &mut p.namespace {
                *ns = ns.to_lowercase();
            }
        };
        match self.ty.as_str() {
            "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "github" | "hex" | "qpkg"
            | "git" | "brew" => {
                lower_ns(self);
                self.name = self.name.to_lowercase();
            }
            "rpm" => lower_ns(self),
            "bitnami" | "oci" | "pub" => self.name = self.name.to_lowercase(),
            "pypi" => self.name = self.name.to_lowercase().replace('_', "-"),
            "huggingface" => self.version = self.version.as_ref().map(|v| v.to_lowercase()),
            "luarocks" => self.version = self.version.as_ref().map(|v| v.to_lowercase()),
            // Databricks-hosted MLflow registries are case-insensitive.
            "mlflow"
                if self
                    .qualifiers
                    .get("repository_url")
                    .is_some_and(|u| u.contains("azuredatabricks.net")) =>
            {
                self.name = self.name.to_lowercase();
            }
            _ => {}
        }
        match self.ty.as_str() {
            "maven" | "swift" | "vscode-extension" if self.namespace.is_none() => {
                return Err(rule("require a namespace"));
            }
            "vcpkg" | "otp" | "cran" | "julia" | "oci" | "cargo" | "hackage"
            | "chrome-extension"
                if self.namespace.is_some() =>
            {
                return Err(rule("must not have a namespace"));
            }
            "swift" | "cran" | "hackage" if self.version.is_none() => {
                return Err(rule("require a version"));
            }
            "julia" if !self.qualifiers.contains_key("uuid") => {
                return Err(rule("require a uuid qualifier"));
            }
            "cpan" if self.name.contains("::") => {
                return Err(rule(
                    "name a distribution (Foo-Bar), not a module (Foo::Bar)",
                ));
            }
            "chrome-extension" => {
                if self.name.len() != 32 || !self.name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                    return Err(rule("name an extension id of 32 letters a-p"));
                }
                if let Some(v) = &self.version {
                    let parts: Vec<&str> = v.split('.').collect();
                    if parts.len() > 4
                        || parts
                            .iter()
                            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
                    {
                        return Err(rule("have a version of one to four dot-separated numbers"));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Decodes a name; for path-like names (git) each segment separately.
fn clean_path_or_segment(input: &str, name: &str, path_like: bool) -> Result<String, PurlError> {
    if path_like {
        let segs = clean_segments(name)
            .map(|seg| decode(input, seg, "name"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(segs.join("/"))
    } else {
        decode(input, name, "name")
    }
}

fn push_segments(s: &mut String, path: &str) {
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            s.push('/');
        }
        s.extend(utf8_percent_encode(seg, COMPONENT));
    }
}

impl fmt::Display for PackageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.package_key();
        if let Some(v) = &self.version {
            s.push('@');
            s.extend(utf8_percent_encode(v, COMPONENT));
        }
        let mut first = true;
        for (k, v) in &self.qualifiers {
            if v.is_empty() {
                continue;
            }
            s.push(if first { '?' } else { '&' });
            first = false;
            s.push_str(k);
            s.push('=');
            s.extend(utf8_percent_encode(v, COMPONENT));
        }
        if let Some(sp) = &self.subpath {
            s.push('#');
            push_segments(&mut s, sp);
        }
        f.write_str(&s)
    }
}

impl std::str::FromStr for PackageUrl {
    type Err = PurlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PackageUrl::parse(s)
    }
}
