//! One module per subcommand, each opening with its usage, then its `Args`,
//! then `run`.

pub mod docs;
pub mod export;
pub mod fields;
pub mod import;
pub mod sandbox;
pub mod status;
pub mod validate;
