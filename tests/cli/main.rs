//! End-to-end tests of the `hmbulk` binary against heymarket-sim over
//! loopback. One test binary (xsv style) so the suite links once.

mod api;
mod workdir;

#[path = "../hostile/mod.rs"]
mod hostile;
mod test_channels;
mod test_claims;
mod test_columns;
mod test_conventions;
mod test_create_first;
mod test_delete;
mod test_exit_codes;

mod test_export;
mod test_export_live;
mod test_full_disk;
mod test_hostile;
mod test_hostile_export;
mod test_html_report;
mod test_import;
mod test_import_faults;
mod test_layouts;
mod test_memory;
mod test_phones;
mod test_pipeline;
mod test_properties;
mod test_readings;
mod test_resume;
mod test_resume_crash;
mod test_sandbox;
mod test_status;
mod test_tags;
mod test_unchanged;
mod test_unconfirmed;
mod test_validate;
mod test_vcard;
mod test_write_answers;
