pub struct PackageUrl;
#[derive(Debug)]
pub struct PurlError;
