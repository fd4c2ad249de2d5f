//! One way in: the front ends (this crate and the `zhibu` binary) reach data only through the
//! services' use cases, where scope and audit live. The compiler keeps most of the rule (neither
//! crate depends on `storage`); this test keeps the rest: no front-end source names the storage
//! layer or the fixtures' door to the database, and the web crate never uses the console's
//! unscoped use cases. Both take today from `Services::today` (which tests pin), never the clock.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn front_ends_reach_data_only_through_services() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut checked = 0;
    for (front_end, banned_here) in [
        (
            "web",
            &[
                "storage::",
                "fixture_db",
                // The console's use cases act with no viewer.
                ".console()",
                "services::today()",
                ".seed_demo(",
                // The API answers with its own documented types, never an ad-hoc value.
                "ok(json!",
                "created(json!",
                "ok(serde_json::json!",
                "created(serde_json::json!",
                "Json(json!",
                "Json(serde_json::json!",
            ][..],
        ),
        ("zhibu", &["storage::", "fixture_db", "services::today()"][..]),
    ] {
        let manifest = std::fs::read_to_string(crates.join(front_end).join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dev-dependencies]").next().unwrap();
        assert!(!deps.lines().any(|l| l.trim_start().starts_with("storage")), "{front_end} must not depend on storage");
        let mut files = Vec::new();
        sources(&crates.join(front_end).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                for banned in banned_here {
                    assert!(!line.contains(banned), "{}:{}: `{banned}` in a front end: {line}", file.display(), n + 1);
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} source files found");
}
