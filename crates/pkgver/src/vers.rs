pub struct VersRange;
#[derive(Debug)]
pub struct VersError;
