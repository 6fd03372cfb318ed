//! `record` must be spawnable on a multi-threaded runtime: tests/ui/spawn_record.rs must compile
//! (and run). While a `std::sync::MutexGuard` lives across the `.await` in `record`, its future is
//! not `Send` and the compiler refuses `tokio::spawn(...)`: the error below is that refusal.

#[test]
fn record_can_be_spawned() {
    trybuild::TestCases::new().pass("tests/ui/spawn_record.rs");
}
