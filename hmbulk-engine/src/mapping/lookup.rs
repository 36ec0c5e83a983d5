//! The mapping of a file that names existing contacts (`hmbulk status`,
//! `hmbulk delete`): [`Mapping::for_lookup`], with what the command reads
//! itself ([`Lookup`]).

use super::{Field, MapFile, Mapping, Purpose};
use crate::catalog::Catalog;
use crate::error::Result;

/// How a command that names existing contacts reads a file.
pub struct Lookup<'a> {
    /// The command, for the reason an unused column is named with.
    pub command: &'a str,
    /// Columns the command reads itself (`id`, `status`): not mapped, not named.
    pub claimed: &'a [usize],
    /// The fields the command uses; columns of other fields are ignored and named.
    pub uses: &'a dyn Fn(Field) -> bool,
}

impl Mapping {
    /// The mapping of a file that names existing contacts (`status`,
    /// `delete`): phone (several columns, layouts, country columns), `uuid`
    /// and the fields `lookup.uses` are placed as for an import; every other
    /// column — and any column nothing matches — is ignored and named, never
    /// an error; and no phone column is required (the caller checks that the
    /// file names contacts some way). Custom field titles are not looked up.
    pub fn for_lookup(
        headers: &[String],
        map_file: Option<&MapFile>,
        lookup: &Lookup,
    ) -> Result<Mapping> {
        Mapping::build_for(
            headers,
            &super::Sample::default(),
            &Catalog::offline(),
            map_file,
            Purpose::Lookup(lookup),
        )
    }
}
