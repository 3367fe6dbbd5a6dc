//! SBOM formats (CycloneDX, SPDX), OSV data, vulnerability matching, VEX and licences.
