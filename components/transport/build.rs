//! Links the component with a larger initial linear memory than the toolchain's default
//! (1 MiB of stack plus the static data).
//!
//! Why: a fresh instance serves every request, so whatever heap a request needs beyond the
//! initial memory is a `memory.grow` every time, and each grow is an `mprotect` in the host
//! (bench/results/transport-rest-profile.md). With 2 MiB the largest page of lines fits in the
//! initial memory; pages a request never touches cost nothing (the memory is mapped lazily).

const INITIAL_MEMORY_BYTES: u64 = 2 << 20;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Only the Wasm build has a linear memory; a native build (`cargo test --workspace`) has no
    // such linker option.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--initial-memory={INITIAL_MEMORY_BYTES}");
    }
}
