//! With the `napi` feature, napi-rs's macros write this crate's TypeScript into the folder
//! `napi build` names in `NAPI_TYPE_DEF_TMP_FOLDER`, only when the crate is compiled. The CLI
//! sets `NAPI_FORCE_BUILD_ETHORA_TYPES` when it lacks the file; these lines make cargo
//! recompile the crate then (what `napi_build::setup()` does for the addon crate), so an
//! incremental build cannot drop the interfaces from `index.d.ts`.
fn main() {
    if std::env::var_os("CARGO_FEATURE_NAPI").is_some() {
        println!("cargo::rerun-if-env-changed=NAPI_TYPE_DEF_TMP_FOLDER");
        println!("cargo::rerun-if-env-changed=NAPI_FORCE_BUILD_ETHORA_TYPES");
    }
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src");
}
