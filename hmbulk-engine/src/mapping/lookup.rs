//! The mapping of a file that names existing contacts (`hmbulk status`,
//! `hmbulk delete`): [`Mapping::for_lookup`], with what the command reads
//! itself ([`Lookup`]). It is decided like an import's, from the header
//! words and the same sample of the first rows.

use super::{Field, MapFile, Mapping, Purpose, Sample};
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
    /// The `sample` is the evidence, as for an import: a column placed by
    /// its content alone is a guess ([`Mapping::guesses`]).
    pub fn for_lookup(
        headers: &[String],
        sample: &Sample,
        map_file: Option<&MapFile>,
        lookup: &Lookup,
    ) -> Result<Mapping> {
        Mapping::build_for(
            headers,
            sample,
            &Catalog::offline(),
            map_file,
            Purpose::Lookup(lookup),
        )
    }
}
