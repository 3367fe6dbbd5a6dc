//! OSV vulnerability data, matching packages against it, VEX statements, licence policy.
