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
mod test_duplicates_kept;
mod test_exit_codes;

mod test_export;
mod test_export_live;
mod test_full_disk;
mod test_guess_prompt;
mod test_hostile;
mod test_hostile_export;
mod test_html_report;
mod test_import;
mod test_import_faults;
mod test_layouts;
mod test_mapper;
mod test_memory;
mod test_names_and_uuid;
mod test_phones;
mod test_pipeline;
mod test_progress;
mod test_properties;
mod test_readings;
mod test_real_headers;
mod test_report_dialect;
mod test_reports_kept;
mod test_resume;
mod test_resume_crash;
mod test_sandbox;
mod test_status;
mod test_tags;
mod test_tags_mode;
mod test_unchanged;
mod test_unclosed_quote;
mod test_unconfirmed;
mod test_validate;
mod test_vcard;
mod test_workbooks;
mod test_write_answers;
