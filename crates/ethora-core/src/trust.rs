//! What the native transport trusts: the system's certificate store (Linux, Windows; on
//! macOS the system's PEM bundle, /etc/ssl/cert.pem), the bundled Mozilla roots (for a
//! system without a store), and the extra CAs of the `ca` option and `NODE_EXTRA_CA_CERTS`.
//!
//! The system store is read once per process, and the TLS configuration is built once per
//! distinct set of extra CAs: constructing a client costs no certificate parsing after the
//! first, however many clients a process makes.

use std::sync::{Arc, Mutex, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::error::{EthoraError, Result};

/// Distinct CA sets remembered; a process rarely has more than one or two.
const CACHED_CONFIGS: usize = 8;

/// The roots every client trusts, loaded on first use.
fn base_roots() -> &'static RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        // A store that cannot be read (a container without one) leaves the bundled roots.
        #[cfg(not(target_os = "macos"))]
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        #[cfg(target_os = "macos")]
        if let Ok(bundle) = std::fs::read("/etc/ssl/cert.pem") {
            roots.add_parsable_certificates(
                CertificateDer::pem_slice_iter(&bundle).filter_map(|c| c.ok()),
            );
        }
        roots
    })
}

fn unusable_ca() -> EthoraError {
    EthoraError::config(
        "Invalid Ethora configuration: a CA certificate (`ca` or NODE_EXTRA_CA_CERTS) is not a valid PEM certificate",
    )
}

fn build(extra_ca_pem: &[String]) -> Result<rustls::ClientConfig> {
    let mut roots = base_roots().clone();
    for pem in extra_ca_pem {
        let certificates = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|_| unusable_ca())?;
        let (added, _) = roots.add_parsable_certificates(certificates);
        if added == 0 {
            return Err(unusable_ca());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|_| EthoraError::config("could not initialise TLS"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The TLS configuration trusting the base roots and `extra_ca_pem`.
pub fn tls_config(extra_ca_pem: &[String]) -> Result<rustls::ClientConfig> {
    static CONFIGS: Mutex<Vec<(Vec<String>, rustls::ClientConfig)>> = Mutex::new(Vec::new());
    // A poisoned lock only means another thread panicked mid-insert: the list is still valid.
    let mut configs = CONFIGS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, config)) = configs.iter().find(|(key, _)| key == extra_ca_pem) {
        return Ok(config.clone());
    }
    let config = build(extra_ca_pem)?;
    if configs.len() == CACHED_CONFIGS {
        configs.remove(0);
    }
    configs.push((extra_ca_pem.to_vec(), config.clone()));
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_pem_is_a_config_error() {
        let error = tls_config(&[
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".into(),
        ])
        .unwrap_err();
        assert_eq!(error.code_str(), "ETHORA_CONFIG");
        assert!(tls_config(&[]).is_ok());
    }
}
