//! The web app's TypeScript types are generated from `frontend/schema.graphql`: the copy must
//! be the schema the server serves.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests state what they expect

#[test]
fn frontend_schema_file_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/frontend/schema.graphql");
    let current = musrenbang::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &current).unwrap();
        return;
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        kept == current,
        "frontend/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test --test schema_file` \
         (or `cargo run -- schema > frontend/schema.graphql`), then `npm --prefix frontend run codegen`"
    );
}
