//! The Heymarket HTTP client: credentials, one shared rate limiter, retries,
//! one function per endpoint.
