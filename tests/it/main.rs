//! One integration-test binary (matklad's "delete cargo integration tests"): every module here
//! exercises the crate from the outside, through the library API or the built `cnbudget` binary.

mod cli;
mod datapackage;
mod golden;
mod kill;
mod malformed;
mod pdf;
mod realdocs;
mod robust;
mod validation;
mod variants;
