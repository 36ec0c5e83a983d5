//! One module per subcommand, each opening with its usage, then its `Args`,
//! then `run`; `listing`, `rows`, `end` (the block that closes a run) and `fix_line`
//! are what several of them share.

pub mod delete;
pub mod docs;
pub mod end;
pub mod export;
pub mod fields;
pub mod file_args;
pub mod fix_line;
pub mod import;
pub mod listing;
pub mod rows;
pub mod sandbox;
pub mod status;
pub mod tags;
pub mod team;
pub mod validate;
