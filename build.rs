// The web app built into the binary (`src/server/web_app.rs`) is read at compile time: rebuild
// when `frontend/dist` changes. The directory is made if missing (empty until the web app is
// built), since cargo would otherwise rerun this script, and rebuild the crate, every time.
fn main() {
    if let Err(err) = std::fs::create_dir_all("frontend/dist") {
        println!("cargo:warning=cannot create frontend/dist: {err}");
    }
    println!("cargo:rerun-if-changed=frontend/dist");
    println!("cargo:rerun-if-changed=build.rs");
}
