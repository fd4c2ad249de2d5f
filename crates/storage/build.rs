//! The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo to watch their folder
//! on stable Rust: without this, a new migration file alone does not rebuild the crate.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
