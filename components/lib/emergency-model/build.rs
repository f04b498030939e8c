//! Generates the protobuf types of `proto/emergency.proto` (and of gRPC server reflection,
//! `proto/grpc/reflection/v1/reflection.proto`) at build time. protox parses the .proto files
//! in pure Rust (no `protoc` on the build machine); prost-build emits the Rust code.
//!
//! For server reflection it also writes each file's serialized `FileDescriptorProto` and a
//! table of the symbols it declares (`descriptors.rs`), so the component can answer reflection
//! requests without carrying a descriptor library.

use std::fmt::Write as _;
use std::path::PathBuf;

use prost::Message;

const FILES: [&str; 2] = ["emergency.proto", "grpc/reflection/v1/reflection.proto"];

fn main() {
    let proto_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../proto");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for file in FILES {
        println!("cargo:rerun-if-changed={}", proto_dir.join(file).display());
    }
    let descriptors = protox::compile(FILES, [&proto_dir]).unwrap_or_else(|e| panic!("{e}"));

    let mut table = String::from("/// (file name, package, top-level symbols, serialized FileDescriptorProto)\n");
    table.push_str("pub const FILES: &[(&str, &str, &[&str], &[u8])] = &[\n");
    for file in &descriptors.file {
        let mut bare = file.clone();
        // Comments and spans are of no use to reflection clients; leave them out of the wasm.
        bare.source_code_info = None;
        let name = bare.name().to_string();
        let bin = out_dir.join(format!("{}.descriptor.bin", name.replace('/', "_")));
        std::fs::write(&bin, bare.encode_to_vec()).expect("write descriptor");
        let symbols: Vec<&str> = file
            .message_type
            .iter()
            .map(|m| m.name())
            .chain(file.service.iter().map(|s| s.name()))
            .chain(file.enum_type.iter().map(|e| e.name()))
            .collect();
        writeln!(
            table,
            "    ({name:?}, {package:?}, &{symbols:?}, include_bytes!({bin:?})),",
            package = file.package(),
            bin = bin.display().to_string(),
        )
        .unwrap();
    }
    table.push_str("];\n");
    std::fs::write(out_dir.join("descriptors.rs"), table).expect("write descriptors.rs");

    prost_build::Config::new().compile_fds(descriptors).unwrap_or_else(|e| panic!("prost-build: {e}"));
}
