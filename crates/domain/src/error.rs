use std::fmt;

/// A value from outside that does not fit. `code` is a message id of the French and English
/// catalogues (the web layer renders it in the user's language); `field` names the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
}

impl Invalid {
    pub const fn new(field: &'static str, code: &'static str) -> Self {
        Self { field, code }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

impl std::error::Error for Invalid {}

pub type Result<T> = std::result::Result<T, Invalid>;
