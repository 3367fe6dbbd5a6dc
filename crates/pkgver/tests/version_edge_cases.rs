//! Hand-checked edge cases per ecosystem, Go pseudo-versions and errors.

use sanso_pkgver::version::{compare, Ecosystem, VersionError};
use std::cmp::Ordering::{self, Equal, Greater, Less};

fn check(eco: Ecosystem, a: &str, b: &str, want: Ordering) {
    let got = compare(eco, a, b).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got, want, "{eco}: {a} vs {b}");
    let back = compare(eco, b, a).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, want.reverse(), "{eco}: {b} vs {a}");
}

#[test]
fn go_pseudo_versions_order_like_the_go_command() {
    let go = Ecosystem::Go;
    // vX.0.0-yyyymmddhhmmss-abcdef: before any tagged release of v0.0.0.
    check(go, "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1", Less);
    check(
        go,
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-000000000000",
        Less,
    );
    // vX.Y.(Z+1)-0.yyyymmddhhmmss-…: after vX.Y.Z, before vX.Y.(Z+1) and its pre-releases.
    check(
        go,
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.3",
        Greater,
    );
    check(go, "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", Less);
    check(
        go,
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.4-alpha",
        Less,
    );
    // vX.Y.Z-pre.0.yyyymmddhhmmss-…: after vX.Y.Z-pre, before vX.Y.Z-pre.1.
    check(
        go,
        "v1.2.3-pre.0.20191109021931-daa7c04131f5",
        "v1.2.3-pre",
        Greater,
    );
    check(
        go,
        "v1.2.3-pre.0.20191109021931-daa7c04131f5",
        "v1.2.3-pre.1",
        Less,
    );
    // +incompatible is build metadata.
    check(go, "v2.0.0+incompatible", "v2.0.0", Equal);
    check(go, "v2.0.1+incompatible", "v2.0.0+incompatible", Greater);
}

#[test]
fn semver_family_edge_cases() {
    check(Ecosystem::SemVer, "1.0.0-alpha", "1.0.0-alpha.1", Less);
    check(Ecosystem::SemVer, "1.0.0-alpha.beta", "1.0.0-beta", Less);
    check(Ecosystem::SemVer, "1.0.0-beta.2", "1.0.0-beta.11", Less);
    check(Ecosystem::Cargo, "1.0.0+build.5", "1.0.0", Equal);
    check(Ecosystem::Npm, "=v1.2.3", "1.2.3", Equal);
    check(Ecosystem::Pub, "1.0.0+1", "1.0.0", Greater);
    check(Ecosystem::NuGet, "1.0.0.1", "1.0.0", Greater);
    check(Ecosystem::NuGet, "1.0.0-BETA", "1.0.0-beta", Equal);
    check(
        Ecosystem::Npm,
        "18446744073709551616.0.0",
        "18446744073709551615.0.0",
        Greater,
    );
}

#[test]
fn other_ecosystems_edge_cases() {
    check(Ecosystem::PyPI, "1.0.post1", "1.0-1", Equal);
    check(Ecosystem::PyPI, "1!0.1", "2.0", Greater);
    check(Ecosystem::PyPI, "1.0+local.1", "1.0", Greater);
    check(Ecosystem::PyPI, "1.0.dev1", "1.0a1", Less);
    check(Ecosystem::Maven, "1.0-SNAPSHOT", "1.0", Less);
    check(Ecosystem::Maven, "1.0.0.GA", "1", Equal);
    check(Ecosystem::Maven, "1.0-sp1", "1.0", Greater);
    check(Ecosystem::Debian, "1.0~rc1", "1.0", Less);
    check(Ecosystem::Debian, "1:0.9", "2.0", Greater);
    check(Ecosystem::Rpm, "1.0~rc1-1", "1.0-1", Less);
    check(Ecosystem::Rpm, "1.0^git1-1", "1.0-1", Greater);
    check(Ecosystem::Alpine, "1.2.3_rc1", "1.2.3", Less);
    check(Ecosystem::Alpine, "1.2.3_p1", "1.2.3", Greater);
    check(Ecosystem::Alpine, "1.2.3-r1", "1.2.3-r0", Greater);
    check(Ecosystem::RubyGems, "1.0.a", "1.0", Less);
    check(Ecosystem::Packagist, "v1.0.0", "1.0.0", Equal);
    check(Ecosystem::Packagist, "1.0.0-RC1", "1.0.0", Less);
    check(Ecosystem::Hackage, "1.0", "1.0.0", Less);
    check(Ecosystem::Cran, "1.0-1", "1.0.1", Equal);
}

#[test]
fn invalid_versions_name_the_string_and_ecosystem() {
    let cases = [
        (Ecosystem::Npm, "latest"),
        (Ecosystem::Go, "v1..2"),
        (Ecosystem::Debian, "x:1.0"),
        (Ecosystem::Cran, "1.x"),
        (Ecosystem::Hackage, "1.a"),
        (Ecosystem::RubyGems, "1.0 beta"),
        (Ecosystem::NuGet, "1.2.3.4.5"),
    ];
    for (eco, s) in cases {
        match eco.parse(s) {
            Err(e @ VersionError::Invalid { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(s), "{msg} should name {s:?}");
                assert!(msg.contains(eco.osv_name()), "{msg} should name {eco}");
            }
            other => panic!("{eco} {s:?}: expected Invalid, got {other:?}"),
        }
    }
    assert!(matches!(
        Ecosystem::PyPI.parse("  "),
        Err(VersionError::Empty { .. })
    ));
}

#[test]
fn ecosystem_names_map_both_ways() {
    assert_eq!(
        Ecosystem::from_osv_name("Debian:12"),
        Some(Ecosystem::Debian)
    );
    assert_eq!(
        Ecosystem::from_osv_name("Alpine:v3.18"),
        Some(Ecosystem::Alpine)
    );
    assert_eq!(Ecosystem::from_osv_name("Red Hat"), Some(Ecosystem::Rpm));
    assert_eq!(
        Ecosystem::from_osv_name("crates.io"),
        Some(Ecosystem::Cargo)
    );
    assert_eq!(Ecosystem::from_osv_name("Nope"), None);
    for eco in Ecosystem::ALL {
        assert_eq!(Ecosystem::from_vers_scheme(eco.purl_type()), Some(eco));
        // The vers-only schemes have no OSV ecosystem name.
        let vers_only = matches!(
            eco,
            Ecosystem::Alpm
                | Ecosystem::Gentoo
                | Ecosystem::OpenSsl
                | Ecosystem::Datetime
                | Ecosystem::Lexicographic
        );
        assert_eq!(
            Ecosystem::from_osv_name(eco.osv_name()).is_some(),
            !vers_only,
            "{eco}"
        );
        if !vers_only {
            assert_eq!(Ecosystem::from_osv_name(eco.osv_name()), Some(eco));
        }
    }
}

#[test]
fn vers_contains_and_normalises() {
    use sanso_pkgver::vers::VersRange;
    let r = VersRange::parse("vers:npm/<2.0.0|>=1.0.0").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.to_string(), "vers:npm/>=1.0.0|<2.0.0");
    assert_eq!(r.contains("1.5.0").ok(), Some(true));
    assert_eq!(r.contains("2.0.0-rc.1").ok(), Some(true));
    assert_eq!(r.contains("2.0.0").ok(), Some(false));
    let r = VersRange::parse("vers:deb/>=1.0~rc1|<1.0-2").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.contains("1.0-1").ok(), Some(true));
    assert!(VersRange::parse("vers:npm/>=1.0.0|<2.0.0")
        .and_then(|r| r.contains("nope"))
        .is_err());
    assert!(VersRange::parse_canonical("vers:npm/>=2.0.0|<1.0.0").is_err());
    assert!(VersRange::parse("vers:unknown/1.0")
        .and_then(|r| r.contains("1.0"))
        .is_err());
}

#[test]
fn prerelease_detection() {
    let pre = |eco: Ecosystem, s: &str| {
        eco.parse(s)
            .map(|v| v.is_prerelease())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(pre(Ecosystem::PyPI, "1.0rc1"));
    assert!(pre(Ecosystem::PyPI, "1.0.dev3"));
    assert!(!pre(Ecosystem::PyPI, "1.0+abc"));
    assert!(!pre(Ecosystem::PyPI, "1.0.post1"));
    assert!(pre(Ecosystem::Npm, "1.0.0-beta.1"));
    assert!(!pre(Ecosystem::Npm, "1.0.0+build"));
    assert!(pre(Ecosystem::Debian, "1.0~rc1-1"));
}
