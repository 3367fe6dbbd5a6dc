//! Supply-chain graph analytics: exposure paths, criticality ranking, what-if and impact.
