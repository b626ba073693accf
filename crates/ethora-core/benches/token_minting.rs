//! The limit for token minting: the core signer in-process, no JavaScript boundary.
//! `npm run bench` reads criterion's estimate from `target/criterion/client_token/new/`.

use criterion::{criterion_group, criterion_main, Criterion};
use ethora_core::config::AppSecret;
use ethora_core::token::TokenSigner;

fn client_token(c: &mut Criterion) {
    let signer = TokenSigner::new("app123", &AppSecret::new("secret123".into()));
    let mut counter = 0u64;
    c.bench_function("client_token", |b| {
        b.iter(|| {
            counter += 1;
            let user_id = format!("user-{counter}");
            std::hint::black_box(signer.client_token(&user_id, 1_700_000_000))
        })
    });
}

criterion_group!(benches, client_token);
criterion_main!(benches);
