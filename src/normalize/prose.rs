//! Prose repairs: sentences and numbers split by page breaks. Placeholder.
