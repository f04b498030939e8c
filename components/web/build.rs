//! Embeds web/dist (written by `npm run build` in web/) into the component: one
//! `static_site::Asset` per file, with its content type and ETag worked out here, once.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fail(message: &str) -> ! {
    eprintln!("\nerror: {message}\n");
    std::process::exit(1);
}

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist = manifest_dir.join("../../web/dist");
    // A directory is scanned as a whole: any file added, removed or changed rebuilds.
    println!("cargo:rerun-if-changed={}", dist.display());
    if !dist.join("index.html").is_file() {
        fail(&format!(
            "{} has no index.html: build the dashboard first (`npm ci && npm run build` in web/, which `make build` runs)",
            dist.display()
        ));
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(&dist).follow_links(false) {
        let entry = entry.unwrap_or_else(|e| fail(&format!("reading {}: {e}", dist.display())));
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(&dist).expect("walkdir stays below its root");
        let parts: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
        let parts = parts.unwrap_or_else(|| fail(&format!("{} is not a UTF-8 file name", relative.display())));
        files.push((static_site::embed::url_path(&parts.join("/")), entry.path().to_path_buf()));
    }
    files.sort();

    let mut code = String::from("/// Every file of web/dist, sorted by path.\npub static ASSETS: &[static_site::Asset] = &[\n");
    for (url, file) in &files {
        let body = std::fs::read(file).unwrap_or_else(|e| fail(&format!("reading {}: {e}", file.display())));
        let absolute = file.canonicalize().unwrap_or_else(|e| fail(&format!("{}: {e}", file.display())));
        writeln!(
            code,
            "    static_site::Asset {{ path: {url:?}, body: include_bytes!({:?}), content_type: {:?}, etag: {:?} }},",
            path_text(&absolute),
            static_site::embed::content_type(url),
            static_site::embed::etag(&body),
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| fail(&format!("writing {}: {e}", out.display())));
}

fn path_text(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| fail(&format!("{} is not a UTF-8 path", path.display())))
}
